#pragma once

#include <string>
#include <vector>

namespace attnscope {

// "0,3,5-7" -> {0, 3, 5, 6, 7}; every index must lie in [0, count). Throws Error(Usage) naming
// `option`.
std::vector<int> parse_index_list(const std::string& text, int count, const std::string& option);

// A text file's final line break ends its last line and is not part of the text ("…tired.\n" is
// the sentence "…tired."), so inputs read from files drop one trailing "\n" or "\r\n".
std::string strip_final_newline(std::string text);

}  // namespace attnscope
