#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace attnscope {

// A stretch of text as the tokenizer pipeline rewrites it, with, for every byte of the rewritten
// ("normalized") text, the byte span of the input it came from: Hugging Face's NormalizedString.
// Every rewrite is a list of (character, change) pairs, as HF's `transform`: change 0 replaces one
// character, +1 inserts one (aligned like the byte before it), -n replaces one and drops the n
// after it. Copying HF's rules, not only its results, is what makes token offsets equal to HF's.
class NormalizedString {
 public:
  using Span = std::pair<uint32_t, uint32_t>;  // [begin, end) bytes of the original stretch
  struct Change {
    char32_t c;
    int change;
  };

  NormalizedString() = default;
  // `text` is the stretch of the input that starts at byte `shift` of the whole input.
  NormalizedString(std::string_view text, size_t shift);

  const std::string& get() const { return normalized_; }
  bool empty() const { return normalized_.empty(); }
  size_t shift() const { return shift_; }
  size_t original_size() const { return original_size_; }
  const std::vector<Span>& alignments() const { return alignments_; }

  // Replaces the whole text by `dest`; the first `initial_removed` characters are dropped first.
  void transform(const std::vector<Change>& dest, size_t initial_removed);
  // The same on the normalized byte range [begin, end).
  void transform_range(size_t begin, size_t end, const std::vector<Change>& dest, size_t initial_removed);
  // Replaces each byte range [begin, end) (sorted, disjoint) by `content`, whose bytes all take the
  // alignment of the range's last byte: HF's replace, which is transform_range on every match.
  void replace_ranges(const std::vector<std::pair<size_t, size_t>>& ranges, std::string_view content);
  void prepend(std::string_view s);
  void append(std::string_view s);
  // Keeps the characters for which keep(c) is true.
  template <class Keep>
  void filter(Keep&& keep);
  // The normalized byte range [begin, end) as a NormalizedString of its own.
  NormalizedString slice(size_t begin, size_t end) const;
  // The span in the whole input of the normalized byte range [begin, end) (HF's convert_offsets).
  std::pair<size_t, size_t> original_span(size_t begin, size_t end) const;

 private:
  std::string normalized_;
  std::vector<Span> alignments_;  // one per byte of normalized_, relative to the original stretch
  size_t shift_ = 0;               // where the original stretch starts in the whole input
  size_t original_size_ = 0;
};

// UTF-8 helpers for valid text (the tokenizer checks the input once).
std::vector<char32_t> utf8_chars(std::string_view s);
void append_utf8(std::string& out, char32_t c);
size_t utf8_length(char32_t c);
// Decodes the character at `s[i]`, moving i past it.
char32_t next_char(std::string_view s, size_t& i);

template <class Keep>
void NormalizedString::filter(Keep&& keep) {
  std::vector<Change> dest;
  dest.reserve(normalized_.size());
  int removed = 0;
  size_t removed_start = 0;
  bool have_last = false;
  char32_t last = 0;
  for (size_t i = 0; i < normalized_.size();) {
    const char32_t c = next_char(normalized_, i);
    if (keep(c)) {
      if (have_last) dest.push_back({last, -removed});
      else removed_start = static_cast<size_t>(removed);
      last = c;
      have_last = true;
      removed = 0;
    } else {
      ++removed;
    }
  }
  if (have_last) dest.push_back({last, -removed});
  else removed_start = static_cast<size_t>(removed);
  transform(dest, removed_start);
}

}  // namespace attnscope
