#include "tests/support/hub_mirror.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include <curl/curl.h>

namespace attnscope::test {

HubMirror::HubMirror(const std::vector<std::string>& repos, const std::string& log_path) : log_(log_path) {
  std::remove(log_path.c_str());
  int fds[2];
  if (::pipe(fds) != 0) return;
  std::vector<std::string> args = {"python3", ATTNSCOPE_SOURCE_DIR "/tests/hub/hub_mirror.py", "--log", log_path};
  for (const auto& r : repos) {
    args.push_back("--repo");
    args.push_back(r);
  }
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execvp("python3", argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  std::string line;
  char c;
  while (::read(fds[0], &c, 1) == 1 && c != '\n') line += c;
  ::close(fds[0]);
  port_ = line.empty() ? 0 : std::atoi(line.c_str());
}

HubMirror::~HubMirror() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
}

void HubMirror::set_faults(const std::string& repo, const std::string& faults) const {
  CURL* c = curl_easy_init();
  const std::string url = endpoint() + "/_mirror/faults?repo=" + repo + "&set=" + faults;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, +[](char*, size_t s, size_t n, void*) { return s * n; });
  curl_easy_perform(c);
  curl_easy_cleanup(c);
}

std::vector<std::string> HubMirror::log_lines() const {
  std::vector<std::string> out;
  std::ifstream in(log_);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace attnscope::test
