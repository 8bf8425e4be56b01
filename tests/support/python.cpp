#include "tests/support/python.h"

#include <filesystem>

#include "tests/support/run_process.h"

namespace attnscope::test {

bool have_python(const std::string& modules, std::string& why) {
  if (!std::filesystem::exists("/usr/bin/python3")) {
    why = "no /usr/bin/python3";
    return false;
  }
  if (run_process("/usr/bin/python3", {"-c", "import " + modules}).exit_code != 0) {
    why = modules + " not installed for /usr/bin/python3 (scripts/install-deps.sh --test installs them)";
    return false;
  }
  return true;
}

}  // namespace attnscope::test
