#pragma once

#include <string>
#include <vector>

namespace attnscope::test {

struct ProcessResult {
  int exit_code = -1;  // -1: did not exit normally
  std::string out;
  std::string err;
};

// Runs `program` with `args` (no shell), capturing stdout and stderr.
ProcessResult run_process(const std::string& program, const std::vector<std::string>& args);

}  // namespace attnscope::test
