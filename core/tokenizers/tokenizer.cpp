#include "core/tokenizers/tokenizer.h"

#include <algorithm>
#include <cstdio>
#include <unordered_map>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "core/common/error.h"
#include "core/tokenizers/decoders.h"
#include "core/tokenizers/normalizers.h"
#include "core/tokenizers/pre_tokenizers.h"
#include "core/tokenizers/token_models.h"
#include "core/tokenizers/tokenizer_pipeline.h"

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

Tokenizer::Tokenizer() : p_(std::make_unique<Pipeline>()) {}
Tokenizer::~Tokenizer() = default;

const std::string& Tokenizer::token_text(int64_t id) const {
  static const std::string unknown = "<?>";
  if (id < 0 || id >= vocab_size()) return unknown;
  return id_to_token_[static_cast<size_t>(id)];
}

std::optional<int64_t> Tokenizer::token_id(const std::string& text) const {
  for (const auto& a : added_)
    if (a.content == text) return a.id;
  if (auto id = p_->model->id_of(text)) return id;
  return std::nullopt;
}

const AddedToken* Tokenizer::added_token(int64_t id) const {
  auto it = p_->added_by_id.find(id);
  return it == p_->added_by_id.end() ? nullptr : &added_[it->second];
}

bool Tokenizer::is_special(int64_t id) const {
  if (const AddedToken* a = added_token(id); a && a->special) return true;
  for (const auto* pieces : {&post_.single, &post_.pair})
    for (const auto& p : *pieces)
      if (p.kind == TemplatePiece::Special && p.id == id) return true;
  return false;
}

std::vector<Token> Tokenizer::tokenize(std::string_view text) const {
  std::vector<Token> out;
  if (text.empty()) return out;
  std::vector<PreToken> pieces(1);
  pieces[0].text = NormalizedString(text, 0);
  // Added tokens are matched in the original text, or, if "normalized", in the normalized text.
  p_->split_added(pieces, p_->raw_added, added_, false);
  p_->split_added(pieces, p_->normalized_added, added_, true);
  if (p_->pre) p_->pre->pre_tokenize(pieces);
  ModelScratch scratch;
  std::vector<ModelToken> toks;
  int word = -1;
  for (auto& piece : pieces) {
    // HF numbers the splits that are left after empty ones are dropped.
    if (!piece.text.get().empty()) ++word;
    if (!piece.done) {
      piece.tokens.clear();
      p_->model->tokenize(piece.text.get(), piece.tokens, scratch);
    }
    for (const ModelToken& mt : piece.tokens) {
      Token t;
      t.id = mt.id;
      if (piece.done) {  // HF's value: the piece, with the whitespace an lstrip / rstrip token took
        t.text = piece.text.get();
        const AddedToken* a = added_token(mt.id);
        t.special = a && a->special;
      } else {
        t.text = mt.literal ? piece.text.get().substr(mt.begin, mt.end - mt.begin) : token_text(mt.id);
      }
      const auto [b, e] = piece.text.original_span(mt.begin, mt.end);
      t.begin = b;
      t.end = e;
      t.word = word;
      out.push_back(std::move(t));
    }
  }
  if (post_.trim_offsets) {
    // HF's ByteLevel process_offsets: leading / trailing "Ġ" (or whitespace) leave the span.
    const std::string space = "\xC4\xA0";  // U+0120
    for (size_t i = 0; i < out.size(); ++i) {
      Token& t = out[i];
      const auto chars = utf8_chars(t.text);
      size_t lead = 0, trail = 0;
      while (lead < chars.size() && (chars[lead] == 0x120 || is_rust_whitespace(chars[lead]))) ++lead;
      while (trail < chars.size() && (chars[chars.size() - 1 - trail] == 0x120 || is_rust_whitespace(chars[chars.size() - 1 - trail]))) ++trail;
      if (lead > 0) {
        const bool first = i == 0 || t.begin == 0;
        if (first && post_.trim_add_prefix_space && lead == 1) lead = 0;
        t.begin = std::min(t.begin + lead, t.end);
      }
      if (trail > 0 && t.end >= trail) t.end = std::max(t.end - trail, t.begin);
    }
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

std::string Tokenizer::display(int64_t id) const {
  if (const AddedToken* a = added_token(id)) return a->content;
  return decode_tokens(p_->display_decoder.get(), {token_text(id)});
}

std::optional<std::string> Tokenizer::token_bytes(int64_t id) const {
  const std::string& t = token_text(id);
  if (t.empty() || added_token(id)) return std::nullopt;
  if (p_->model->byte_fallback())
    if (const int v = parse_byte_token(t); v >= 0) return std::string(1, static_cast<char>(v));
  if (!p_->byte_level) return std::nullopt;
  std::string bytes;
  for (size_t i = 0; i < t.size();) {
    const int b = byte_of_char(next_char(t, i));
    if (b < 0) return std::nullopt;
    bytes += static_cast<char>(b);
  }
  return bytes;
}

std::vector<std::string> Tokenizer::display_tokens(const std::vector<Token>& tokens) const {
  std::vector<std::string> out(tokens.size());
  for (size_t i = 0; i < tokens.size();) {
    auto bytes = token_bytes(tokens[i].id);
    if (!bytes) {
      out[i] = display(tokens[i].id);
      ++i;
      continue;
    }
    // A run of byte tokens: each shows the whole characters its bytes belong to.
    std::string buf;
    std::vector<std::pair<size_t, size_t>> range;  // each token's bytes in buf
    size_t j = i;
    for (; j < tokens.size(); ++j) {
      auto b = j == i ? bytes : token_bytes(tokens[j].id);
      if (!b) break;
      range.emplace_back(buf.size(), buf.size() + b->size());
      buf += *b;
    }
    struct Char {
      size_t b, e;
      bool valid;
    };
    std::vector<Char> chars;
    const auto* p = reinterpret_cast<const uint8_t*>(buf.data());
    for (int32_t k = 0, n = static_cast<int32_t>(buf.size()); k < n;) {
      const int32_t s = k;
      UChar32 c;
      U8_NEXT(p, k, n, c);
      chars.push_back({static_cast<size_t>(s), static_cast<size_t>(k), c >= 0});
    }
    std::vector<bool> split(j - i, false);
    for (size_t t = i; t < j; ++t) {
      const auto [rb, re] = range[t - i];
      std::string label;
      bool split_char = false;
      for (const Char& c : chars) {
        if (c.e <= rb || c.b >= re) continue;
        split_char = split_char || c.b < rb || c.e > re;
        if (c.valid) label.append(buf, c.b, c.e - c.b);
        else
          for (size_t k = c.b; k < c.e; ++k) {
            if (k < rb || k >= re) continue;
            char esc[8];
            std::snprintf(esc, sizeof esc, "<0x%02X>", static_cast<unsigned char>(buf[k]));
            label += esc;
          }
      }
      out[t] = label;  // the bytes' own text: "<0x41>" reads "A" whatever the decoder
      split[t - i] = split_char;
    }
    // Neighbours that show the same character get "(k/n)", so that each row stays distinct.
    for (size_t a = i; a < j;) {
      size_t b = a + 1;
      while (b < j && out[b] == out[a]) ++b;
      if (b - a > 1 && split[a - i])
        for (size_t k = a; k < b; ++k) out[k] += " (" + std::to_string(k - a + 1) + "/" + std::to_string(b - a) + ")";
      a = b;
    }
    i = j;
  }
  return out;
}

std::string Tokenizer::decode(const std::vector<int64_t>& ids, bool skip_special) const {
  std::vector<std::string> toks;
  for (int64_t id : ids) {
    if (skip_special && is_special(id)) continue;
    toks.push_back(token_text(id));
  }
  return decode_tokens(p_->decoder.get(), toks);
}

}  // namespace attnscope
