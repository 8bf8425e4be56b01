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

void Tokenizer::build_added_matcher() const {
  AddedMatcher& m = matcher_;
  m.nodes.assign(1, -1);
  m.edges.clear();
  m.first.fill(false);
  for (size_t k = 0; k < added_.size(); ++k) {
    const std::string& c = added_[k].content;
    if (c.empty()) continue;
    m.first[static_cast<unsigned char>(c[0])] = true;
    uint32_t node = 0;
    for (unsigned char b : c) {
      const uint64_t key = static_cast<uint64_t>(node) << 8 | b;
      auto it = m.edges.find(key);
      if (it == m.edges.end()) {
        it = m.edges.emplace(key, static_cast<uint32_t>(m.nodes.size())).first;
        m.nodes.push_back(-1);
      }
      node = it->second;
    }
    if (m.nodes[node] < 0) m.nodes[node] = static_cast<int32_t>(k);  // the first of duplicates wins
  }
}

std::vector<Token> Tokenizer::tokenize(std::string_view text) const {
  std::call_once(matcher_once_, [this] { build_added_matcher(); });
  const AddedMatcher& m = matcher_;
  std::vector<Token> out;
  auto plain = [&](size_t b, size_t e) {
    if (e <= b) return;
    for (Token t : tokenize_plain(text.substr(b, e - b))) {
      t.begin += b;
      t.end += b;
      out.push_back(std::move(t));
    }
  };
  // Added tokens are matched leftmost first, the longest among those starting there, by walking
  // a trie of their bytes from each position whose byte can start one: the cost follows the text
  // and the longest added token, not the number of added tokens (60,000 of them in a bad file).
  size_t pos = 0;
  while (pos < text.size()) {
    size_t best_at = text.size();
    const AddedToken* best = nullptr;
    for (size_t at = pos; at < text.size() && !best; ++at) {
      if (!m.first[static_cast<unsigned char>(text[at])]) continue;
      uint32_t node = 0;
      for (size_t j = at; j < text.size(); ++j) {
        auto it = m.edges.find(static_cast<uint64_t>(node) << 8 | static_cast<unsigned char>(text[j]));
        if (it == m.edges.end()) break;
        node = it->second;
        if (m.nodes[node] >= 0) {
          best = &added_[static_cast<size_t>(m.nodes[node])];
          best_at = at;
        }
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

// The first tokens of a long text come from a prefix of it: tokenizing prefixes that end at a
// line break or space (so no word is cut), twice as long each time, until one yields the budget
// plus a margin. Tokens well before the cut are those of the whole text, since pre-tokenizers
// split on whitespace and every merge stays inside a word; the margin keeps the last words near
// the cut out. Memory then follows the token limit, not the text (README, Security).
std::vector<Token> Tokenizer::tokenize_prefix(std::string_view text, size_t budget, bool& whole, size_t first_length) const {
  constexpr size_t kMargin = 16;
  size_t length = first_length > 0 ? first_length : std::max<size_t>(4096, budget * 16);
  while (length < text.size()) {
    size_t cut = text.find_last_of(" \n", length);
    if (cut == std::string_view::npos || cut == 0) {
      length *= 2;  // no break yet: a longer prefix
      continue;
    }
    std::vector<Token> tokens = tokenize(text.substr(0, cut));
    if (tokens.size() >= budget + kMargin) {
      whole = false;
      return tokens;
    }
    length *= 2;
  }
  whole = true;
  return tokenize(text);
}

Encoding Tokenizer::encode(std::string_view text, size_t max_tokens) const {
  require_utf8(text, "the input text");
  const size_t extra = post_.added_single();
  bool whole = true;
  std::vector<Token> a = max_tokens > 0 ? tokenize_prefix(text, max_tokens, whole) : tokenize(text);
  const size_t total = whole ? a.size() + extra : 0;  // 0: not known, only that it exceeds the limit
  bool truncated = false;
  if (max_tokens > 0 && a.size() + extra > max_tokens) {
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
