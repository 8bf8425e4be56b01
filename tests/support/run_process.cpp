#include "tests/support/run_process.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <fstream>
#include <sstream>

namespace attnscope::test {

namespace {
std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

ProcessResult run_process(const std::string& program_in, const std::vector<std::string>& args_in, double timeout_seconds,
                          bool measure_memory) {
  char out_name[] = "/tmp/attnscope-test-out-XXXXXX";
  char err_name[] = "/tmp/attnscope-test-err-XXXXXX";
  char rss_name[] = "/tmp/attnscope-test-rss-XXXXXX";
  const int out_fd = ::mkstemp(out_name);
  const int err_fd = ::mkstemp(err_name);
  const int rss_fd = ::mkstemp(rss_name);
  ::close(rss_fd);
  std::string program = program_in;
  std::vector<std::string> args = args_in;
  if (measure_memory) {
    args.insert(args.begin(), {"-f", "%M", "-o", rss_name, program_in});
    program = "/usr/bin/time";
  }
  ProcessResult r;
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);  // a timeout kills the whole group: `time` and the program under it
    ::dup2(out_fd, STDOUT_FILENO);
    ::dup2(err_fd, STDERR_FILENO);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(program.c_str()));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(program.c_str(), argv.data());
    std::perror("execv");
    ::_exit(127);
  }
  int status = 0;
  const auto start = std::chrono::steady_clock::now();
  while (::waitpid(pid, &status, timeout_seconds > 0 ? WNOHANG : 0) == 0) {
    if (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > timeout_seconds) {
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      r.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (WIFEXITED(status) && !r.timed_out) r.exit_code = WEXITSTATUS(status);
  if (measure_memory) {
    const std::string kb = slurp(rss_name);
    // The last line; GNU time writes "Command exited with non-zero status N" before it.
    const size_t nl = kb.size() < 2 ? std::string::npos : kb.find_last_of('\n', kb.size() - 2);
    r.max_rss_kb = kb.empty() ? -1 : std::atol(kb.substr(nl == std::string::npos ? 0 : nl + 1).c_str());
  }
  ::unlink(rss_name);
  ::close(out_fd);
  ::close(err_fd);
  r.out = slurp(out_name);
  r.err = slurp(err_name);
  ::unlink(out_name);
  ::unlink(err_name);
  return r;
}

}  // namespace attnscope::test
