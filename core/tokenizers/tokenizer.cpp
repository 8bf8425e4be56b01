#include "core/tokenizers/tokenizer.h"

#include <algorithm>
#include <cstdio>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "core/common/error.h"

namespace attnscope {

std::vector<int64_t> Encoding::ids() const {
  std::vector<int64_t> out;
  out.reserve(tokens.size());
  for (const auto& t : tokens) out.push_back(t.id);
  return out;
}

std::vector<int64_t> Encoding::type_ids() const {
  std::vector<int64_t> out;
  out.reserve(tokens.size());
  for (const auto& t : tokens) out.push_back(t.type_id);
  return out;
}

size_t PostProcessor::added_single() const {
  return static_cast<size_t>(std::count_if(single.begin(), single.end(), [](const TemplatePiece& p) { return p.kind == TemplatePiece::Special; }));
}

size_t PostProcessor::added_pair() const {
  return static_cast<size_t>(std::count_if(pair.begin(), pair.end(), [](const TemplatePiece& p) { return p.kind == TemplatePiece::Special; }));
}

void require_utf8(std::string_view text, const std::string& what) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t n = static_cast<int32_t>(std::min<size_t>(text.size(), INT32_MAX));
  if (text.size() > static_cast<size_t>(INT32_MAX)) fail(ErrorKind::Input, what + " is larger than 2 GB");
  int32_t i = 0;
  while (i < n) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c < 0) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "0x%02X", s[start]);
      fail(ErrorKind::Input, what + " is not valid UTF-8 (byte " + buf + " at offset " + std::to_string(start) + ")");
    }
  }
}

const std::string& Tokenizer::token_text(int64_t id) const {
  static const std::string unknown = "<?>";
  if (id < 0 || id >= vocab_size()) return unknown;
  return id_to_token_[static_cast<size_t>(id)];
}

std::optional<int64_t> Tokenizer::token_id(const std::string& text) const {
  for (const auto& a : added_)
    if (a.content == text) return a.id;
  auto it = std::find(id_to_token_.begin(), id_to_token_.end(), text);
  if (it == id_to_token_.end()) return std::nullopt;
  return it - id_to_token_.begin();
}

bool Tokenizer::is_special(int64_t id) const {
  for (const auto& a : added_)
    if (a.id == id && a.special) return true;
  for (const auto* pieces : {&post_.single, &post_.pair})
    for (const auto& p : *pieces)
      if (p.kind == TemplatePiece::Special && p.id == id) return true;
  return false;
}

std::string Tokenizer::display(int64_t id) const { return token_text(id); }

namespace {

// Hugging Face strips with Rust's char::is_whitespace, i.e. the Unicode White_Space property.
size_t skip_space_left(std::string_view s, size_t from, size_t limit) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  int32_t i = static_cast<int32_t>(from);
  while (i > static_cast<int32_t>(limit)) {
    int32_t j = i;
    UChar32 c;
    U8_PREV(p, static_cast<int32_t>(limit), j, c);
    if (c < 0 || !u_isUWhiteSpace(c)) break;
    i = j;
  }
  return static_cast<size_t>(i);
}

size_t skip_space_right(std::string_view s, size_t from) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const int32_t n = static_cast<int32_t>(s.size());
  int32_t i = static_cast<int32_t>(from);
  while (i < n) {
    int32_t j = i;
    UChar32 c;
    U8_NEXT(p, j, n, c);
    if (c < 0 || !u_isUWhiteSpace(c)) break;
    i = j;
  }
  return static_cast<size_t>(i);
}

}  // namespace

std::vector<Token> Tokenizer::tokenize(std::string_view text) const {
  std::vector<Token> out;
  auto plain = [&](size_t b, size_t e) {
    if (e <= b) return;
    for (Token t : tokenize_plain(text.substr(b, e - b))) {
      t.begin += b;
      t.end += b;
      out.push_back(std::move(t));
    }
  };
  // The next occurrence of every added token at or after `pos`, searched again only once `pos`
  // has passed it, so the text is scanned about once per added token (not once per match).
  std::vector<size_t> next(added_.size());
  for (size_t k = 0; k < added_.size(); ++k) next[k] = added_[k].content.empty() ? std::string_view::npos : text.find(added_[k].content);
  size_t pos = 0;
  while (pos < text.size()) {
    size_t best_at = std::string_view::npos;
    const AddedToken* best = nullptr;
    for (size_t k = 0; k < added_.size(); ++k) {
      const AddedToken& a = added_[k];
      if (next[k] != std::string_view::npos && next[k] < pos) next[k] = text.find(a.content, pos);
      const size_t at = next[k];
      if (at == std::string_view::npos) continue;
      // Leftmost match; the longest among those starting there.
      if (at < best_at || (at == best_at && a.content.size() > best->content.size())) {
        best_at = at;
        best = &a;
      }
    }
    if (!best) {
      plain(pos, text.size());
      break;
    }
    const size_t left_end = best->lstrip ? skip_space_left(text, best_at, pos) : best_at;
    plain(pos, left_end);
    Token t;
    t.id = best->id;
    t.text = best->content;
    t.begin = best_at;
    t.end = best_at + best->content.size();
    t.special = best->special;
    out.push_back(std::move(t));
    pos = best_at + best->content.size();
    if (best->rstrip) pos = skip_space_right(text, pos);
  }
  return out;
}

namespace {

Encoding apply_template(const std::vector<TemplatePiece>& tmpl, std::vector<Token> a, std::vector<Token> b) {
  Encoding enc;
  for (const auto& p : tmpl) {
    if (p.kind == TemplatePiece::Special) {
      Token t;
      t.id = p.id;
      t.text = p.text;
      t.sequence = -1;
      t.type_id = p.type_id;
      t.special = true;
      enc.tokens.push_back(std::move(t));
    } else {
      auto& src = p.kind == TemplatePiece::SequenceA ? a : b;
      for (auto& t : src) {
        t.sequence = p.kind == TemplatePiece::SequenceA ? 0 : 1;
        t.type_id = p.type_id;
        enc.tokens.push_back(t);
      }
    }
  }
  return enc;
}

}  // namespace

Encoding Tokenizer::encode(std::string_view text, size_t max_tokens) const {
  require_utf8(text, "the input text");
  std::vector<Token> a = tokenize(text);
  const size_t extra = post_.added_single();
  const size_t total = a.size() + extra;
  bool truncated = false;
  if (max_tokens > 0 && total > max_tokens) {
    a.resize(max_tokens > extra ? max_tokens - extra : 0);
    truncated = true;
  }
  Encoding enc = apply_template(post_.single, std::move(a), {});
  enc.truncated = truncated;
  enc.untruncated_length = total;
  return enc;
}

Encoding Tokenizer::encode_pair(std::string_view ta, std::string_view tb, size_t max_tokens) const {
  if (post_.pair.empty()) fail(ErrorKind::Usage, "this tokenizer has no template for text pairs");
  require_utf8(ta, "the first text");
  require_utf8(tb, "the second text");
  std::vector<Token> a = tokenize(ta), b = tokenize(tb);
  const size_t extra = post_.added_pair();
  const size_t total = a.size() + b.size() + extra;
  bool truncated = false;
  if (max_tokens > 0 && total > max_tokens) {
    // Hugging Face's "longest_first": drop one token at a time from the longer sequence.
    size_t budget = max_tokens > extra ? max_tokens - extra : 0;
    while (a.size() + b.size() > budget) {
      if (a.size() > b.size()) a.pop_back();
      else b.pop_back();
    }
    truncated = true;
  }
  Encoding enc = apply_template(post_.pair, std::move(a), std::move(b));
  enc.truncated = truncated;
  enc.untruncated_length = total;
  return enc;
}

}  // namespace attnscope
