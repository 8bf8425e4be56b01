#include "tests/support/csv.h"

#include <fstream>
#include <sstream>

namespace attnscope::test {

namespace {
std::vector<std::vector<std::string>> split(std::istream& in) {
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    size_t start = 0;
    for (size_t comma; (comma = line.find(',', start)) != std::string::npos; start = comma + 1)
      cells.push_back(line.substr(start, comma - start));
    cells.push_back(line.substr(start));
    rows.push_back(std::move(cells));
  }
  return rows;
}
}  // namespace

std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
  std::istringstream in(text);
  return split(in);
}

std::vector<std::vector<std::string>> read_csv(const std::filesystem::path& path) {
  std::ifstream in(path);
  return split(in);
}

}  // namespace attnscope::test
