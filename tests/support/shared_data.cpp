#include "tests/support/shared_data.h"

#include <cstdlib>

namespace attnscope::test {

// The environment variable overrides the configured folder, e.g. to check what a clone without
// ../shared runs: ATTNSCOPE_SHARED_DIR=/nonexistent ctest.
std::filesystem::path shared_dir() {
  const char* v = std::getenv("ATTNSCOPE_SHARED_DIR");
  return std::filesystem::path(v && *v ? v : ATTNSCOPE_SHARED_DIR);
}
std::filesystem::path shared(const std::string& relative) { return shared_dir() / relative; }
std::filesystem::path source_dir() { return std::filesystem::path(ATTNSCOPE_SOURCE_DIR); }
std::filesystem::path builtin_model(const std::string& name) { return source_dir() / "resources" / "models" / name; }

bool shared_available() {
  std::error_code ec;
  return std::filesystem::is_directory(shared_dir() / "models", ec) && std::filesystem::is_directory(shared_dir() / "golden", ec);
}

bool shared_required() {
  const char* v = std::getenv("ATTNSCOPE_REQUIRE_SHARED");
  return v && std::string(v) == "1";
}

std::filesystem::path scratch_dir(const std::string& name) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string leaf = name;
  if (info) leaf = std::string(info->test_suite_name()) + "." + info->name() + "." + name;
  for (char& c : leaf)
    if (c == '/') c = '_';
  auto dir = std::filesystem::current_path() / "scratch" / leaf;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace attnscope::test
