#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace attnscope {

// Strings as a trie of their bytes, each ending node holding a value: the strings that start at a
// position of a text are found in one walk, as long as the longest of them.
class ByteTrie {
 public:
  // Keeps the first value given for a string.
  void insert(std::string_view s, int64_t value) {
    uint32_t node = 0;
    for (unsigned char b : s) {
      const uint64_t key = static_cast<uint64_t>(node) << 8 | b;
      auto it = edges_.find(key);
      if (it == edges_.end()) {
        it = edges_.emplace(key, static_cast<uint32_t>(values_.size())).first;
        values_.push_back(-1);
      }
      node = it->second;
    }
    if (values_[node] < 0) values_[node] = value;
  }
  // The node reached from `node` by byte b; 0 = none (the root is nobody's child).
  uint32_t child(uint32_t node, unsigned char b) const {
    auto it = edges_.find(static_cast<uint64_t>(node) << 8 | b);
    return it == edges_.end() ? 0 : it->second;
  }
  int64_t value(uint32_t node) const { return values_[node]; }  // -1: no string ends here
  bool empty() const { return values_.size() == 1; }

 private:
  std::vector<int64_t> values_{-1};
  std::unordered_map<uint64_t, uint32_t> edges_;  // (node << 8 | byte) -> child
};

}  // namespace attnscope
