#pragma once

#include <string>
#include <vector>

namespace attnscope {

// "0,3,5-7" -> {0, 3, 5, 6, 7}; every index must lie in [0, count). Throws Error(Usage) naming
// `option`.
std::vector<int> parse_index_list(const std::string& text, int count, const std::string& option);

}  // namespace attnscope
