#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace attnscope::test {

// Rows of comma-separated cells, as the exporters write them (no quoting); a trailing comma
// gives a last empty cell.
std::vector<std::vector<std::string>> csv_rows(const std::string& text);
std::vector<std::vector<std::string>> read_csv(const std::filesystem::path& path);

}  // namespace attnscope::test
