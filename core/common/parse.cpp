#include "core/common/parse.h"

#include <algorithm>
#include <charconv>

#include "core/common/error.h"

namespace attnscope {

namespace {
int to_index(const std::string& s, int count, const std::string& option) {
  int v = -1;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty())
    fail(ErrorKind::Usage, option + ": '" + s + "' is not a number");
  if (v < 0 || v >= count)
    fail(ErrorKind::Usage, option + ": " + s + " is out of range (valid: 0-" + std::to_string(count - 1) + ")");
  return v;
}
}  // namespace

std::vector<int> parse_index_list(const std::string& text, int count, const std::string& option) {
  std::vector<int> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    const std::string item = text.substr(start, comma - start);
    const size_t dash = item.find('-');
    if (dash == std::string::npos) {
      out.push_back(to_index(item, count, option));
    } else {
      const int a = to_index(item.substr(0, dash), count, option), b = to_index(item.substr(dash + 1), count, option);
      if (b < a) fail(ErrorKind::Usage, option + ": range '" + item + "' is reversed");
      for (int i = a; i <= b; ++i) out.push_back(i);
    }
    start = comma + 1;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string strip_final_newline(std::string text) {
  if (!text.empty() && text.back() == '\n') {
    text.pop_back();
    if (!text.empty() && text.back() == '\r') text.pop_back();
  }
  return text;
}

}  // namespace attnscope
