#pragma once

#include <string>
#include <vector>

namespace attnscope::test {

struct ProcessResult {
  int exit_code = -1;  // -1: did not exit normally (a signal, or killed after the timeout)
  bool timed_out = false;
  long max_rss_kb = 0;  // with measure_memory: the program's peak resident memory
  std::string out;
  std::string err;
};

// Runs `program` with `args` (no shell), capturing stdout and stderr. With `timeout_seconds` > 0
// a process still running then is killed (SIGKILL) and reported as timed out. `measure_memory`
// runs it under GNU time (/usr/bin/time, Debian's `time`): a child forked from this (large) test
// process would count the test's own pages in its peak, one forked from `time` does not.
ProcessResult run_process(const std::string& program, const std::vector<std::string>& args, double timeout_seconds = 0,
                          bool measure_memory = false);

}  // namespace attnscope::test
