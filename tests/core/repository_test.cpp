// Keeps the README's promises checkable: CI runs exactly the documented test command.
#include <fstream>
#include <regex>

#include <gtest/gtest.h>

#include "tests/support/shared_data.h"

namespace {
std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The command lines of the ```sh blocks in the README's Quick start, in order.
std::vector<std::string> quick_start_commands() {
  const std::string readme = read(attnscope::test::source_dir() / "README.md");
  const auto start = readme.find("## Quick start");
  const auto end = readme.find("\n## ", start + 1);
  const std::string section = readme.substr(start, end - start);
  std::vector<std::string> out;
  const std::regex block("```sh\n([^\n]*)\n```");
  for (auto it = std::sregex_iterator(section.begin(), section.end(), block); it != std::sregex_iterator(); ++it)
    out.push_back((*it)[1]);
  return out;
}
}  // namespace

TEST(Repository, QuickStartHasTwoCommandsAndCiRunsTheSecond) {
  const auto cmds = quick_start_commands();
  ASSERT_GE(cmds.size(), 2u);
  EXPECT_NE(cmds[0].find("scripts/install-deps.sh"), std::string::npos);
  EXPECT_NE(cmds[1].find("ctest"), std::string::npos);
  const std::string ci = read(attnscope::test::source_dir() / ".ci/run");
  EXPECT_NE(ci.find("\n" + cmds[1] + "\n"), std::string::npos) << ".ci/run must run the README's test command verbatim";
  EXPECT_NE(ci.find("export ATTNSCOPE_REQUIRE_SHARED=1"), std::string::npos);
}

TEST(Repository, CoreHasNoQtIncludes) {
  const std::regex qt_include(R"(#\s*include\s*[<"]Q)");
  for (const auto& e : std::filesystem::recursive_directory_iterator(attnscope::test::source_dir() / "core")) {
    if (!e.is_regular_file()) continue;
    const std::string text = read(e.path());
    EXPECT_FALSE(std::regex_search(text, qt_include)) << e.path() << " includes a Qt header";
  }
}
