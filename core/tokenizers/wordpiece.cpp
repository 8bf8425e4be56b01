#include "core/tokenizers/wordpiece.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <sstream>
#include <optional>
#include <unordered_map>

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include "core/common/error.h"
#include "core/io/json_file.h"

namespace attnscope {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void bad(const std::string& label, const std::string& what) { fail(ErrorKind::Model, label + ": " + what); }

bool in_category(UChar32 c, uint32_t mask) { return (U_GET_GC_MASK(c) & mask) != 0; }

bool is_control(UChar32 c) { return c != '\t' && c != '\n' && c != '\r' && in_category(c, U_GC_C_MASK); }

// After cleaning, White_Space is exactly " \t\n\r" + Zs + Zl + Zp: what Python's str.split() and
// Rust's char::is_whitespace split on.
bool is_whitespace(UChar32 c) { return u_isUWhiteSpace(c); }

bool is_cjk(UChar32 c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
         (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

bool is_punctuation(UChar32 c) {
  return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126) ||
         in_category(c, U_GC_P_MASK);
}

const icu::Normalizer2& nfd() {
  static const icu::Normalizer2* instance = [] {
    UErrorCode err = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFDInstance(err);
    if (U_FAILURE(err) || !n) fail(ErrorKind::Resource, std::string("ICU's NFD data is unavailable: ") + u_errorName(err));
    return n;
  }();
  return *instance;
}

// Python's str.lower() of one character other than U+03A3: the full mapping ("İ" -> "i̇").
template <class Emit>
void lower_char(UChar32 c, Emit&& emit) {
  if (c < 0x80) {
    emit(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    return;
  }
  UChar in[2];
  int32_t n = 0;
  U16_APPEND_UNSAFE(in, n, c);
  UChar out[16];
  UErrorCode err = U_ZERO_ERROR;
  const int32_t m = u_strToLower(out, 16, in, n, "", &err);  // "" = root locale, not the user's
  if (U_FAILURE(err)) {
    emit(c);
    return;
  }
  for (int32_t i = 0; i < m;) {
    UChar32 o;
    U16_NEXT(out, i, m, o);
    emit(o);
  }
}

void append_utf8(std::string& s, UChar32 c) {
  char buf[4];
  int32_t n = 0;
  U8_APPEND_UNSAFE(buf, n, c);
  s.append(buf, static_cast<size_t>(n));
}

// A JSON boolean that may be absent or null.
std::optional<bool> optional_bool(const nlohmann::json& obj, const char* key, const std::string& label) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  if (!it->is_boolean()) bad(label, std::string("'") + key + "' is not a boolean");
  return it->get<bool>();
}

// A special token given as "[MASK]" or as {"content": "[MASK]", "lstrip": ..., ...}.
std::optional<AddedToken> token_entry(const nlohmann::json& v) {
  AddedToken t;
  if (v.is_string()) {
    t.content = v.get<std::string>();
  } else if (v.is_object() && v.contains("content") && v["content"].is_string()) {
    t.content = v["content"].get<std::string>();
    t.lstrip = v.value("lstrip", false);
    t.rstrip = v.value("rstrip", false);
    t.special = v.value("special", true);
  } else {
    return std::nullopt;
  }
  if (t.content.empty()) return std::nullopt;
  return t;
}

}  // namespace

struct WordPiece::Scratch {
  struct InChar {  // a cleaned input character of the current word
    UChar32 cp;
    size_t begin, end;  // its bytes in the text
  };
  struct NormChar {  // a normalised character
    UChar32 cp;
    uint32_t src;  // index of the InChar it came from
    uint8_t ccc;   // canonical combining class, for NFD's reordering
  };
  struct Piece {
    int64_t id;
    size_t first, last;  // NormChar range
  };
  std::vector<InChar> word;
  std::vector<NormChar> norm;
  icu::UnicodeString decomposition;
  std::string utf8;             // one punctuation-free word, normalised
  std::vector<size_t> offsets;  // where each of its characters starts in utf8 (+ the end)
  std::string key;
  std::vector<Piece> pieces;
};

std::vector<Token> WordPiece::tokenize_plain(std::string_view text) const {
  if (text.size() > static_cast<size_t>(INT32_MAX)) fail(ErrorKind::Input, "the input text is larger than 2 GB");
  std::vector<Token> out;
  Scratch s;
  auto flush = [&] {
    if (s.word.empty()) return;
    tokenize_word(s, out);
    s.word.clear();
  };
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t n = static_cast<int32_t>(text.size());
  for (int32_t i = 0; i < n;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(bytes, i, n, c);
    if (c < 0) c = 0xFFFD;
    if (norm_.clean_text && (c == 0 || c == 0xFFFD || is_control(c))) continue;
    if (is_whitespace(c)) {
      flush();
      continue;
    }
    const bool cjk = norm_.chinese_chars && is_cjk(c);
    if (cjk) flush();
    s.word.push_back({c, static_cast<size_t>(start), static_cast<size_t>(i)});
    if (cjk) flush();
  }
  flush();
  return out;
}

// One whitespace-delimited word: lowercase, strip accents, split off punctuation, WordPiece.
void WordPiece::tokenize_word(Scratch& s, std::vector<Token>& out) const {
  const auto& word = s.word;
  auto& norm = s.norm;
  norm.clear();
  const icu::Normalizer2& decompose = nfd();
  auto push = [&](UChar32 c, uint32_t src) {
    if (!norm_.strip_accents || c < 0x80 || decompose.isInert(c)) {
      norm.push_back({c, src, 0});
    } else if (decompose.getDecomposition(c, s.decomposition)) {
      for (int32_t k = 0; k < s.decomposition.length();) {
        const UChar32 d = s.decomposition.char32At(k);
        k += U16_LENGTH(d);
        norm.push_back({d, src, decompose.getCombiningClass(d)});
      }
    } else {
      norm.push_back({c, src, decompose.getCombiningClass(c)});
    }
  };

  // Python's Final_Sigma context: a cased letter before (skipping case-ignorables) and none after.
  auto final_sigma = [&](size_t i) {
    size_t j = i;
    while (j > 0 && u_hasBinaryProperty(word[j - 1].cp, UCHAR_CASE_IGNORABLE)) --j;
    if (j == 0 || !u_hasBinaryProperty(word[j - 1].cp, UCHAR_CASED)) return false;
    size_t k = i + 1;
    while (k < word.size() && u_hasBinaryProperty(word[k].cp, UCHAR_CASE_IGNORABLE)) ++k;
    return k == word.size() || !u_hasBinaryProperty(word[k].cp, UCHAR_CASED);
  };

  for (uint32_t i = 0; i < word.size(); ++i) {
    const UChar32 c = word[i].cp;
    if (!norm_.lowercase) push(c, i);
    else if (c == 0x03A3) push(final_sigma(i) ? 0x03C2 : 0x03C3, i);
    else lower_char(c, [&](UChar32 l) { push(l, i); });
  }

  if (norm_.strip_accents) {
    // NFD's canonical ordering: stable sort of each run of non-starters by combining class.
    for (size_t a = 0; a < norm.size();) {
      if (norm[a].ccc == 0) {
        ++a;
        continue;
      }
      size_t b = a;
      while (b < norm.size() && norm[b].ccc != 0) ++b;
      std::stable_sort(norm.begin() + static_cast<long>(a), norm.begin() + static_cast<long>(b),
                       [](const Scratch::NormChar& x, const Scratch::NormChar& y) { return x.ccc < y.ccc; });
      a = b;
    }
    std::erase_if(norm, [](const Scratch::NormChar& c) { return c.cp >= 0x80 && in_category(c.cp, U_GC_MN_MASK); });
  }

  size_t first = 0;
  for (size_t k = 0; k < norm.size(); ++k) {
    if (!is_punctuation(norm[k].cp)) continue;
    wordpiece(s, first, k, out);
    wordpiece(s, k, k + 1, out);
    first = k + 1;
  }
  wordpiece(s, first, norm.size(), out);
}

// Greedy longest-match-first segmentation of the normalised characters [first, last).
void WordPiece::wordpiece(Scratch& s, size_t first, size_t last, std::vector<Token>& out) const {
  if (first == last) return;
  auto emit = [&](int64_t id, size_t a, size_t b) {
    Token t;
    t.id = id;
    t.text = token_text(id);
    // Reordering can put characters of several input characters in any order: take the hull.
    t.begin = SIZE_MAX;
    for (size_t k = a; k < b; ++k) {
      const auto& in = s.word[s.norm[k].src];
      t.begin = std::min(t.begin, in.begin);
      t.end = std::max(t.end, in.end);
    }
    out.push_back(std::move(t));
  };
  const size_t n = last - first;
  if (n > max_chars_) {
    emit(unk_id_, first, last);
    return;
  }
  s.utf8.clear();
  s.offsets.clear();
  for (size_t k = first; k < last; ++k) {
    s.offsets.push_back(s.utf8.size());
    append_utf8(s.utf8, s.norm[k].cp);
  }
  s.offsets.push_back(s.utf8.size());

  s.pieces.clear();
  for (size_t start = 0; start < n;) {
    // Longest vocabulary entry (after "##" past the first piece) that starts at `start` and ends
    // on a character boundary.
    uint32_t node = 0;
    bool walkable = true;
    if (start > 0) {
      walkable = has_continuation_root_;
      node = continuation_root_;
    }
    int64_t found = -1;
    size_t end = start;
    size_t next_boundary = start + 1;
    for (size_t b = s.offsets[start]; walkable && b < s.offsets[n]; ++b) {
      node = trie_child(node, static_cast<unsigned char>(s.utf8[b]));
      if (node == 0) break;
      if (b + 1 == s.offsets[next_boundary]) {
        if (trie_[node].id >= 0) {
          found = trie_[node].id;
          end = next_boundary;
        }
        ++next_boundary;
      }
    }
    if (found < 0) {
      emit(unk_id_, first, last);
      return;
    }
    s.pieces.push_back({found, first + start, first + end});
    start = end;
  }
  for (const auto& p : s.pieces) emit(p.id, p.first, p.last);
}

void WordPiece::finish(const std::string& label) {
  kind_ = "WordPiece";
  auto it = vocab_.find(unk_token_);
  if (it != vocab_.end()) {
    unk_id_ = it->second;
  } else {
    auto added = std::find_if(added_.begin(), added_.end(), [&](const AddedToken& a) { return a.content == unk_token_; });
    if (added == added_.end()) bad(label, "the unknown token '" + unk_token_ + "' is not in the vocabulary");
    unk_id_ = added->id;
  }
  build_trie();
  include_added(id_to_token_, added_);
}

uint32_t WordPiece::trie_child(uint32_t node, unsigned char byte) const {
  auto it = trie_edges_.find(static_cast<uint64_t>(node) << 8 | byte);
  return it == trie_edges_.end() ? 0 : it->second;
}

void WordPiece::build_trie() {
  trie_.assign(1, TrieNode{});
  trie_edges_.clear();
  for (const auto& [tok, id] : vocab_) {
    uint32_t node = 0;
    for (unsigned char c : tok) {
      const uint64_t key = static_cast<uint64_t>(node) << 8 | c;
      auto it = trie_edges_.find(key);
      if (it == trie_edges_.end()) {
        it = trie_edges_.emplace(key, static_cast<uint32_t>(trie_.size())).first;
        trie_.push_back(TrieNode{});
      }
      node = it->second;
    }
    trie_[node].id = id;
  }
  continuation_root_ = 0;
  has_continuation_root_ = true;
  for (unsigned char c : prefix_) {
    continuation_root_ = trie_child(continuation_root_, c);
    if (continuation_root_ == 0) {
      has_continuation_root_ = false;
      break;
    }
  }
}

std::unique_ptr<Tokenizer> WordPiece::from_tokenizer_json(const nlohmann::json& tj, const std::string& label) try {
  std::unique_ptr<WordPiece> t(new WordPiece());
  const auto& model = tj.at("model");
  t->vocab_ = parse_vocab_object(model.value("vocab", nlohmann::json()), label, t->id_to_token_);
  auto string_field = [&](const char* key, std::string& dst) {
    auto it = model.find(key);
    if (it == model.end() || it->is_null()) return;
    if (!it->is_string()) bad(label, std::string("model.") + key + " is not a string");
    dst = it->get<std::string>();
  };
  string_field("unk_token", t->unk_token_);
  string_field("continuing_subword_prefix", t->prefix_);
  if (auto it = model.find("max_input_chars_per_word"); it != model.end() && !it->is_null()) {
    if (!it->is_number_unsigned() || it->get<uint64_t>() == 0 || it->get<uint64_t>() > kMaxWordChars)
      bad(label, "model.max_input_chars_per_word must be an integer from 1 to " + std::to_string(kMaxWordChars) + ", got " +
                     json_excerpt(*it));
    t->max_chars_ = it->get<size_t>();
  }

  const auto& normalizer = tj.value("normalizer", nlohmann::json());
  if (normalizer.is_null()) {
    t->norm_ = {false, false, false, false};
  } else if (normalizer.is_object() && normalizer.value("type", "") == "BertNormalizer") {
    const std::string what = label + " normalizer";
    t->norm_.clean_text = optional_bool(normalizer, "clean_text", what).value_or(true);
    t->norm_.chinese_chars = optional_bool(normalizer, "handle_chinese_chars", what).value_or(true);
    t->norm_.lowercase = optional_bool(normalizer, "lowercase", what).value_or(true);
    t->norm_.strip_accents = optional_bool(normalizer, "strip_accents", what).value_or(t->norm_.lowercase);
  } else {
    bad(label, "unsupported normalizer for a WordPiece model (expected BertNormalizer or none)");
  }
  const auto& pre = tj.value("pre_tokenizer", nlohmann::json());
  if (!pre.is_object() || pre.value("type", "") != "BertPreTokenizer")
    bad(label, "unsupported pre_tokenizer for a WordPiece model (expected BertPreTokenizer)");

  t->added_ = parse_added_tokens(tj, label);
  t->post_ = parse_post_processor(tj.value("post_processor", nlohmann::json()), t->vocab_, t->added_, label);
  t->finish(label);
  return t;
} catch (const nlohmann::json::exception& e) {
  bad(label, std::string("unexpected structure: ") + e.what());
}

std::unique_ptr<Tokenizer> WordPiece::from_vocab_folder(const fs::path& dir) try {
  std::unique_ptr<WordPiece> t(new WordPiece());
  const fs::path vocab_path = dir / "vocab.txt";
  const std::string label = vocab_path.string();
  std::istringstream in(read_file_bounded(vocab_path, label, kMaxTokenizerFileBytes, ErrorKind::Model));
  // One token per line, id = line index, as BertTokenizer's load_vocab.
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const int64_t id = static_cast<int64_t>(t->id_to_token_.size());
    if (!line.empty()) {
      auto [it, inserted] = t->vocab_.emplace(line, id);
      if (!inserted)
        bad(label, "token '" + line + "' is listed twice, on lines " + std::to_string(it->second + 1) + " and " + std::to_string(id + 1));
    }
    t->id_to_token_.push_back(std::move(line));
  }
  if (t->vocab_.empty()) bad(label, "the vocabulary is empty");

  std::error_code ec;
  auto optional_json = [&](const char* name) {
    if (!fs::is_regular_file(dir / name, ec)) return nlohmann::json::object();
    nlohmann::json j = read_json_file(dir / name, name);
    if (!j.is_object()) bad(name, "is not a JSON object");
    return j;
  };
  const nlohmann::json config = optional_json("tokenizer_config.json");
  const nlohmann::json special_map = optional_json("special_tokens_map.json");
  t->norm_.clean_text = true;
  t->norm_.chinese_chars = optional_bool(config, "tokenize_chinese_chars", "tokenizer_config.json").value_or(true);
  t->norm_.lowercase = optional_bool(config, "do_lower_case", "tokenizer_config.json").value_or(true);
  t->norm_.strip_accents = optional_bool(config, "strip_accents", "tokenizer_config.json").value_or(t->norm_.lowercase);

  // Tokens matched literally: added_tokens_decoder {"103": {"content": "[MASK]", ...}}, then the
  // five special roles (tokenizer_config.json, special_tokens_map.json, the standard names).
  if (auto it = config.find("added_tokens_decoder"); it != config.end() && it->is_object()) {
    for (const auto& [key, value] : it->items()) {
      auto tok = token_entry(value);
      if (!tok || key.empty() || key.size() > 8 || !std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; }))
        bad("tokenizer_config.json", "added_tokens_decoder entry '" + key + "' is not an id with a token");
      tok->id = std::stoll(key);
      if (tok->id >= kMaxTokenId)
        bad("tokenizer_config.json", "added_tokens_decoder id " + key + " is outside " + token_id_range());
      t->added_.push_back(std::move(*tok));
    }
  }
  auto find_id = [&](const std::string& content) -> std::optional<int64_t> {
    for (const auto& a : t->added_)
      if (a.content == content) return a.id;
    auto it = t->vocab_.find(content);
    if (it == t->vocab_.end()) return std::nullopt;
    return it->second;
  };
  auto role = [&](const char* key, const char* standard) {
    for (const nlohmann::json* src : {&config, &special_map})
      if (auto it = src->find(key); it != src->end())
        if (auto tok = token_entry(*it)) return *tok;
    AddedToken tok;
    tok.content = standard;
    return tok;
  };
  const std::pair<const char*, const char*> roles[] = {
      {"unk_token", "[UNK]"}, {"sep_token", "[SEP]"}, {"pad_token", "[PAD]"}, {"cls_token", "[CLS]"}, {"mask_token", "[MASK]"}};
  std::string cls, sep;
  for (const auto& [key, standard] : roles) {
    AddedToken tok = role(key, standard);
    const std::string k = key;
    if (k == "unk_token") t->unk_token_ = tok.content;
    if (k == "cls_token") cls = tok.content;
    if (k == "sep_token") sep = tok.content;
    if (std::any_of(t->added_.begin(), t->added_.end(), [&](const AddedToken& a) { return a.content == tok.content; })) continue;
    if (auto id = find_id(tok.content)) {
      tok.id = *id;
      tok.special = true;
      t->added_.push_back(std::move(tok));
    }
  }
  const auto cls_id = find_id(cls), sep_id = find_id(sep);
  if (!cls_id || !sep_id) bad(label, "the template tokens '" + cls + "' and '" + sep + "' are not both in the vocabulary");
  t->post_ = make_template({{cls, *cls_id}}, {{sep, *sep_id}}, {{sep, *sep_id}}, 1);
  t->finish(label);
  return t;
} catch (const nlohmann::json::exception& e) {
  bad((dir / "tokenizer_config.json").string(), std::string("unexpected structure: ") + e.what());
}

}  // namespace attnscope
