#pragma once

#include <string>

#include <gtest/gtest.h>

#include "tests/support/shared_data.h"

namespace attnscope::test {

// Whether /usr/bin/python3 (Debian's, where python3-torch and python3-numpy live) imports
// `modules` ("numpy" or "numpy, torch"); `why` says what is missing.
bool have_python(const std::string& modules, std::string& why);

}  // namespace attnscope::test

// Skips the test (or fails it, when the shared data is required) if /usr/bin/python3 lacks `modules`.
#define REQUIRE_PYTHON(modules)                                              \
  do {                                                                       \
    std::string why_;                                                        \
    if (!::attnscope::test::have_python(modules, why_)) {                    \
      if (::attnscope::test::shared_required()) FAIL() << why_;              \
      GTEST_SKIP() << why_;                                                  \
    }                                                                        \
  } while (0)
