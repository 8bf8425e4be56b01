#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace attnscope {

// The merge table of a BPE tokenizer: which adjacent pair of token ids merges into which token,
// and with what priority (rank = line in merges.txt / index in tokenizer.json; lower first).
class BpeMerges {
 public:
  void add(int32_t left, int32_t right, int32_t rank, int32_t merged);
  size_t size() const { return table_.size(); }

  struct Symbol {
    int32_t id;      // token id, or -1 for a symbol that never merges
    uint32_t first;  // index of its first initial symbol
    uint32_t last;   // one past its last initial symbol
  };

  // Repeatedly merges the adjacent pair of lowest rank (leftmost among equals) until no pair in
  // the table remains, as Hugging Face's BPE model does. O(n log n) in the number of symbols.
  std::vector<Symbol> apply(const std::vector<int32_t>& ids) const;

 private:
  struct Merge {
    int32_t rank;
    int32_t merged;
  };
  static uint64_t key(int32_t a, int32_t b) { return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b); }
  std::unordered_map<uint64_t, Merge> table_;
};

// Parses one merge rule: "a b" (merges.txt, tokenizer.json v1) or ["a", "b"] (newer tokenizer.json)
// is handled by the callers; this splits the string form at its single space.
bool split_merge_line(const std::string& line, std::string& left, std::string& right);

}  // namespace attnscope
