#include "core/tokenizers/normalized_string.h"

#include <unicode/utf8.h>

namespace attnscope {

size_t utf8_length(char32_t c) { return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4; }

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

char32_t next_char(std::string_view s, size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  int32_t k = static_cast<int32_t>(i);
  UChar32 c;
  U8_NEXT(p, k, static_cast<int32_t>(s.size()), c);
  i = static_cast<size_t>(k);
  return c < 0 ? 0xFFFD : static_cast<char32_t>(c);
}

std::vector<char32_t> utf8_chars(std::string_view s) {
  std::vector<char32_t> out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) out.push_back(next_char(s, i));
  return out;
}

NormalizedString::NormalizedString(std::string_view text, size_t shift)
    : normalized_(text), shift_(shift), original_size_(text.size()) {
  alignments_.resize(text.size());
  for (size_t i = 0; i < text.size();) {
    const size_t b = i;
    next_char(text, i);
    for (size_t k = b; k < i; ++k) alignments_[k] = {static_cast<uint32_t>(b), static_cast<uint32_t>(i)};
  }
}

void NormalizedString::transform(const std::vector<Change>& dest, size_t initial_removed) {
  transform_range(0, normalized_.size(), dest, initial_removed);
}

void NormalizedString::transform_range(size_t begin, size_t end, const std::vector<Change>& dest, size_t initial_removed) {
  // `offset` walks the replaced characters (in bytes of the old text) as HF's transform_range does.
  const std::string_view old(normalized_.data() + begin, end - begin);
  size_t read = 0;  // bytes of `old` consumed
  auto take_char = [&]() -> size_t {
    if (read >= old.size()) return 0;
    const size_t from = read;
    next_char(old, read);
    return read - from;
  };
  size_t offset = begin;
  for (size_t k = 0; k < initial_removed; ++k) offset += take_char();
  std::string out;
  out.reserve(old.size() + dest.size());
  std::vector<Span> align;
  align.reserve(old.size() + dest.size());
  for (const Change& ch : dest) {
    Span a{0, 0};
    if (ch.change > 0) {
      if (offset >= 1) a = alignments_[offset - 1];
    } else if (offset < alignments_.size()) {
      a = alignments_[offset];
    } else if (!alignments_.empty()) {
      a = {alignments_.back().second, alignments_.back().second};
    }
    if (ch.change <= 0) offset += take_char();
    for (int r = 0; r < -ch.change; ++r) offset += take_char();
    const size_t before = out.size();
    append_utf8(out, ch.c);
    align.insert(align.end(), out.size() - before, a);
  }
  normalized_.replace(begin, end - begin, out);
  alignments_.erase(alignments_.begin() + static_cast<long>(begin), alignments_.begin() + static_cast<long>(end));
  alignments_.insert(alignments_.begin() + static_cast<long>(begin), align.begin(), align.end());
}

void NormalizedString::replace_ranges(const std::vector<std::pair<size_t, size_t>>& ranges, std::string_view content) {
  std::string out;
  std::vector<Span> align;
  out.reserve(normalized_.size() + ranges.size() * content.size());
  align.reserve(out.capacity());
  size_t done = 0;
  for (const auto& [b, e] : ranges) {
    out.append(normalized_, done, b - done);
    align.insert(align.end(), alignments_.begin() + static_cast<long>(done), alignments_.begin() + static_cast<long>(b));
    const Span a = e >= 1 ? alignments_[e - 1] : Span{0, 0};
    out.append(content);
    align.insert(align.end(), content.size(), a);
    done = e;
  }
  out.append(normalized_, done, std::string::npos);
  align.insert(align.end(), alignments_.begin() + static_cast<long>(done), alignments_.end());
  normalized_ = std::move(out);
  alignments_ = std::move(align);
}

void NormalizedString::prepend(std::string_view s) {
  if (normalized_.empty() || s.empty()) return;
  size_t i = 0;
  const char32_t first = next_char(normalized_, i);
  std::vector<Change> dest;
  bool head = true;
  for (char32_t c : utf8_chars(s)) {
    dest.push_back({c, head ? 0 : 1});
    head = false;
  }
  dest.push_back({first, 1});
  transform_range(0, i, dest, 0);
}

void NormalizedString::append(std::string_view s) {
  if (normalized_.empty() || s.empty()) return;
  size_t last = normalized_.size() - 1;
  while (last > 0 && (static_cast<unsigned char>(normalized_[last]) & 0xC0) == 0x80) --last;
  size_t i = last;
  const char32_t c = next_char(normalized_, i);
  std::vector<Change> dest{{c, 0}};
  for (char32_t a : utf8_chars(s)) dest.push_back({a, 1});
  transform_range(last, normalized_.size(), dest, 0);
}

std::pair<size_t, size_t> NormalizedString::original_span(size_t begin, size_t end) const {
  if (begin >= end || begin >= alignments_.size()) {
    // An empty range: where it sits in the original (HF maps the end of the text to its end).
    const size_t at = begin < alignments_.size() ? alignments_[begin].first : original_size_;
    return {shift_ + at, shift_ + at};
  }
  end = std::min(end, alignments_.size());
  return {shift_ + alignments_[begin].first, shift_ + alignments_[end - 1].second};
}

NormalizedString NormalizedString::slice(size_t begin, size_t end) const {
  NormalizedString s;
  const auto [ob, oe] = original_span(begin, end);
  s.shift_ = ob;
  s.original_size_ = oe - ob;
  s.normalized_ = normalized_.substr(begin, end - begin);
  s.alignments_.reserve(end - begin);
  const auto base = static_cast<uint32_t>(ob - shift_);
  for (size_t k = begin; k < end; ++k) {
    const Span a = alignments_[k];
    s.alignments_.push_back({a.first >= base ? a.first - base : 0, a.second >= base ? a.second - base : 0});
  }
  return s;
}

}  // namespace attnscope
