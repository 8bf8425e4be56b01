#pragma once

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

namespace attnscope::test {

// The shared models/goldens folder (CMake cache variable ATTNSCOPE_SHARED_DIR, default
// ../shared beside the repository).
std::filesystem::path shared_dir();
std::filesystem::path shared(const std::string& relative);  // shared_dir() / relative
bool shared_available();
// ATTNSCOPE_REQUIRE_SHARED=1 in the environment turns a missing shared folder into a failure.
bool shared_required();
std::filesystem::path source_dir();
// A model shipped in resources/models (e.g. "stories260K", "vit-tiny"): always there, so tests
// that need only a real model, not a golden, run on a fresh clone too.
std::filesystem::path builtin_model(const std::string& name);

// A fresh empty folder for one test, under the test working directory.
std::filesystem::path scratch_dir(const std::string& name);

}  // namespace attnscope::test

// Skips the current test if the shared data is absent -- or fails it when it is required.
#define ATTNSCOPE_REQUIRE_SHARED()                                                                       \
  do {                                                                                                   \
    if (!::attnscope::test::shared_available()) {                                                        \
      if (::attnscope::test::shared_required())                                                          \
        FAIL() << "shared data not found at " << ::attnscope::test::shared_dir()                         \
               << " and ATTNSCOPE_REQUIRE_SHARED=1";                                                     \
      GTEST_SKIP() << "shared data not found at " << ::attnscope::test::shared_dir()                     \
                   << " (set ATTNSCOPE_SHARED_DIR; ATTNSCOPE_REQUIRE_SHARED=1 makes this a failure)";    \
    }                                                                                                    \
  } while (0)
