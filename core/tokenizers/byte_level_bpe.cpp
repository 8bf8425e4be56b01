#include "core/tokenizers/byte_level_bpe.h"

#include <cstdio>
#include <sstream>
#include <functional>
#include <unordered_map>

#include <unicode/regex.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include "core/common/error.h"
#include "core/io/json_file.h"

namespace attnscope {

namespace {

[[noreturn]] void bad(const std::string& label, const std::string& what) { fail(ErrorKind::Model, label + ": " + what); }

// GPT-2's pre-tokenizer pattern 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// with the contractions' common "'" factored out (same leftmost-first order, fewer attempts).
// Hugging Face (Oniguruma) and Python's `regex` read \s as the Unicode White_Space property.
// ICU documents its \s as [\t\n\f\r\p{Z}] (no U+000B, U+0085) even though ICU 72 matches
// White_Space; spelling the property out keeps HF's meaning whatever the ICU version does.
constexpr const char* kGpt2Pattern =
    "'(?:s|t|re|ve|m|ll|d)| ?\\p{L}+| ?\\p{N}+| ?[^\\p{White_Space}\\p{L}\\p{N}]+"
    "|\\p{White_Space}+(?!\\P{White_Space})|\\p{White_Space}+";

// OpenAI's bytes_to_unicode(): the printable bytes ! .. ~, ¡ .. ¬, ® .. ÿ stand for themselves,
// the other 68 bytes map to U+0100, U+0101, ... in byte order (space -> U+0120 "Ġ").
struct ByteMap {
  static constexpr UChar32 kEnd = 0x144;  // one past the largest code point used
  UChar32 to_char[256];
  int16_t to_byte[kEnd];
  ByteMap() {
    std::fill(std::begin(to_byte), std::end(to_byte), int16_t{-1});
    UChar32 next = 0x100;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      to_char[b] = printable ? b : next++;
      to_byte[to_char[b]] = static_cast<int16_t>(b);
    }
  }
};

const ByteMap& byte_map() {
  static const ByteMap map;
  return map;
}

std::string utf8_of(UChar32 c) {
  char buf[U8_MAX_LENGTH];
  int32_t n = 0;
  U8_APPEND_UNSAFE(buf, n, c);
  return std::string(buf, static_cast<size_t>(n));
}

// The vocabulary form of raw bytes: "Ġworld" for " world".
std::string byte_level_text(std::string_view bytes) {
  std::string out;
  for (unsigned char b : bytes) out += utf8_of(byte_map().to_char[b]);
  return out;
}

// Calls f(begin, end, c) for each code point of `s`; c < 0 for an ill-formed sequence.
template <class F>
void for_each_code_point(std::string_view s, F&& f) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const int32_t n = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < n;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(p, i, n, c);
    f(static_cast<size_t>(start), static_cast<size_t>(i), c);
  }
}

bool flag(const nlohmann::json& obj, const char* key, bool fallback, const std::string& label) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) bad(label, std::string("'") + key + "' is not a boolean");
  return it->get<bool>();
}

// The ByteLevel step of a tokenizer.json pre_tokenizer: the object itself, or the only member of a
// Sequence. Anything else (Split, Metaspace, Whitespace, ...) would change the pieces.
nlohmann::json byte_level_step(const nlohmann::json& pre, const std::string& label) {
  const std::string type = pre.is_object() ? pre.value("type", "") : "";
  if (type == "ByteLevel") return pre;
  if (type == "Sequence") {
    const auto& steps = pre.value("pretokenizers", nlohmann::json());
    if (steps.is_array() && steps.size() == 1) return byte_level_step(steps[0], label);
  }
  bad(label, "unsupported pre_tokenizer for a byte-level BPE model (expected ByteLevel, alone or as the only step of a Sequence)");
}

struct TransparentHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

}  // namespace

struct ByteLevelBpe::Piece {
  int32_t id;
  uint32_t begin, end;  // byte span within the pre-tokenized piece
};

struct ByteLevelBpe::Regex {
  std::unique_ptr<icu::RegexPattern> pattern;
};

ByteLevelBpe::ByteLevelBpe() {
  kind_ = "byte-level BPE";
  UErrorCode status = U_ZERO_ERROR;
  UParseError where;
  regex_ = std::make_unique<Regex>();
  regex_->pattern.reset(icu::RegexPattern::compile(icu::UnicodeString::fromUTF8(kGpt2Pattern), where, status));
  if (U_FAILURE(status)) fail(ErrorKind::Resource, std::string("ICU cannot compile the GPT-2 pattern: ") + u_errorName(status));
}

ByteLevelBpe::~ByteLevelBpe() = default;

void ByteLevelBpe::set_byte_ids(const std::string& label) {
  int missing = 0;
  for (int b = 0; b < 256; ++b) {
    auto it = vocab_.find(utf8_of(byte_map().to_char[b]));
    byte_ids_[static_cast<size_t>(b)] = it == vocab_.end() ? -1 : static_cast<int32_t>(it->second);
    missing += it == vocab_.end();
  }
  // A vocabulary without any byte characters is not a byte-level one (a mis-dispatched file).
  if (missing == 256) bad(label, "the vocabulary has none of the 256 byte-level characters");
}

void ByteLevelBpe::add_merge(const std::string& left, const std::string& right, int32_t rank, const std::string& where) {
  auto a = vocab_.find(left), b = vocab_.find(right), m = vocab_.find(left + right);
  if (a == vocab_.end() || b == vocab_.end() || m == vocab_.end())
    fail(ErrorKind::Model, where + " ('" + left + "' + '" + right + "') uses or makes a token missing from the vocabulary");
  merges_.add(static_cast<int32_t>(a->second), static_cast<int32_t>(b->second), rank, static_cast<int32_t>(m->second));
}

std::unique_ptr<Tokenizer> ByteLevelBpe::from_tokenizer_json(const nlohmann::json& tj, const std::string& label) {
  std::unique_ptr<ByteLevelBpe> t(new ByteLevelBpe());
  const auto& model = tj.at("model");
  t->vocab_ = parse_vocab_object(model.value("vocab", nlohmann::json()), label, t->id_to_token_);
  for (const char* key : {"continuing_subword_prefix", "end_of_word_suffix"}) {
    const auto& v = model.value(key, nlohmann::json());
    if (!v.is_null() && v != "") bad(label, std::string("model.") + key + " is not supported for byte-level BPE");
  }
  const auto& dropout = model.value("dropout", nlohmann::json());
  if (!dropout.is_null() && !(dropout.is_number() && dropout.get<double>() == 0.0))
    bad(label, "model.dropout is not supported (it makes the ids random)");
  t->ignore_merges_ = flag(model, "ignore_merges", false, label);
  t->fuse_unk_ = flag(model, "fuse_unk", false, label);
  if (model.contains("unk_token") && model["unk_token"].is_string()) {
    const std::string unk = model["unk_token"].get<std::string>();
    auto it = t->vocab_.find(unk);
    if (it == t->vocab_.end()) bad(label, "unk_token '" + unk + "' is not in the vocabulary");
    t->unk_ = static_cast<int32_t>(it->second);
  }
  if (!tj.value("normalizer", nlohmann::json()).is_null()) bad(label, "a normalizer is not supported for byte-level BPE");
  const nlohmann::json step = byte_level_step(tj.value("pre_tokenizer", nlohmann::json()), label);
  t->add_prefix_space_ = flag(step, "add_prefix_space", true, label);  // Hugging Face's default
  t->use_regex_ = flag(step, "use_regex", true, label);
  t->set_byte_ids(label);

  const auto& merges = model.value("merges", nlohmann::json::array());
  if (!merges.is_array()) bad(label, "model.merges is not an array");
  int32_t rank = 0;
  for (const auto& m : merges) {
    const std::string where = label + ": merge " + std::to_string(rank);
    std::string a, b;
    if (m.is_string()) {
      if (!split_merge_line(m.get<std::string>(), a, b)) fail(ErrorKind::Model, where + " is not \"left right\"");
    } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
      a = m[0].get<std::string>();
      b = m[1].get<std::string>();
    } else {
      fail(ErrorKind::Model, where + " is neither \"left right\" nor [left, right]");
    }
    t->add_merge(a, b, rank++, where);
  }

  t->added_ = parse_added_tokens(tj, label);
  include_added(t->id_to_token_, t->added_);
  t->post_ = parse_post_processor(tj.value("post_processor", nlohmann::json()), t->vocab_, t->added_, label);
  return t;
}

std::unique_ptr<Tokenizer> ByteLevelBpe::from_vocab_merges(const std::filesystem::path& vocab_json,
                                                           const std::filesystem::path& merges_txt, const FileOptions& options) {
  std::unique_ptr<ByteLevelBpe> t(new ByteLevelBpe());
  const std::string vocab_label = vocab_json.string();
  t->vocab_ = parse_vocab_object(read_json_file(vocab_json, vocab_label, kMaxTokenizerFileBytes), vocab_label, t->id_to_token_);
  t->add_prefix_space_ = options.add_prefix_space;
  t->set_byte_ids(vocab_label);

  const std::string merges_label = merges_txt.string();
  std::istringstream in(read_file_bounded(merges_txt, merges_label, kMaxTokenizerFileBytes, ErrorKind::Model));
  std::string line, a, b;
  int32_t rank = 0;
  for (size_t line_no = 1; std::getline(in, line); ++line_no) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.rfind("#version", 0) == 0) continue;
    const std::string where = merges_label + ": line " + std::to_string(line_no);
    if (!split_merge_line(line, a, b)) fail(ErrorKind::Model, where + " ('" + line + "') is not \"left right\"");
    t->add_merge(a, b, rank++, where);
  }
  if (rank == 0) bad(merges_label, "no merges");

  // The special tokens the slow tokenizer classes define (RobertaTokenizer, GPT2Tokenizer).
  const std::string& type = options.model_type;
  auto id_of = [&](const std::string& token) -> std::optional<int64_t> {
    auto it = t->vocab_.find(token);
    return it == t->vocab_.end() ? std::nullopt : std::optional<int64_t>(it->second);
  };
  nlohmann::json post;
  if (type == "roberta" || type == "bart" || type == "longformer") {
    for (const char* s : {"<s>", "<pad>", "</s>", "<unk>", "<mask>"})
      if (auto id = id_of(s)) t->added_.push_back(AddedToken{s, *id, std::string(s) == "<mask>", false, true});
    const auto cls = id_of("<s>"), sep = id_of("</s>");
    if (!cls || !sep) bad(vocab_label, "a " + type + " vocabulary needs <s> and </s>");
    post = {{"type", "RobertaProcessing"}, {"cls", {"<s>", *cls}}, {"sep", {"</s>", *sep}}};
  } else if (auto eot = id_of("<|endoftext|>")) {
    t->added_.push_back(AddedToken{"<|endoftext|>", *eot, false, false, true});
  }
  t->post_ = parse_post_processor(post, t->vocab_, t->added_, vocab_label);
  return t;
}

std::unique_ptr<Tokenizer> ByteLevelBpe::from_folder(const std::filesystem::path& dir, const std::string& model_type) {
  FileOptions options;
  options.model_type = model_type;
  std::error_code ec;
  const auto config = dir / "tokenizer_config.json";
  if (std::filesystem::is_regular_file(config, ec)) {
    const nlohmann::json cfg = read_json_file(config, config.string());
    if (cfg.is_object()) options.add_prefix_space = flag(cfg, "add_prefix_space", false, config.string());
  }
  return from_vocab_merges(dir / "vocab.json", dir / "merges.txt", options);
}

void ByteLevelBpe::bpe(std::string_view bytes, std::vector<Piece>& out) const {
  out.clear();
  if (ignore_merges_) {
    auto it = vocab_.find(byte_level_text(bytes));
    if (it != vocab_.end()) {
      out.push_back(Piece{static_cast<int32_t>(it->second), 0, static_cast<uint32_t>(bytes.size())});
      return;
    }
  }
  std::vector<int32_t> ids(bytes.size());
  bool all_known = true;
  for (size_t i = 0; i < bytes.size(); ++i) {
    ids[i] = byte_ids_[static_cast<unsigned char>(bytes[i])];
    all_known = all_known && ids[i] >= 0;
  }
  if (all_known) {  // one initial symbol per byte: symbol indices are byte offsets
    for (const auto& sym : merges_.apply(ids)) out.push_back(Piece{sym.id, sym.first, sym.last});
    return;
  }
  // A byte missing from the vocabulary becomes <unk> (fused with a preceding one if fuse_unk), or
  // is dropped without <unk>, as Hugging Face's BPE does.
  std::vector<std::pair<uint32_t, uint32_t>> spans;
  ids.clear();
  bool last_unk = false;
  for (uint32_t i = 0; i < bytes.size(); ++i) {
    const int32_t id = byte_ids_[static_cast<unsigned char>(bytes[i])];
    if (id >= 0) {
      ids.push_back(id);
      spans.emplace_back(i, i + 1);
      last_unk = false;
    } else if (unk_) {
      if (fuse_unk_ && last_unk) {
        spans.back().second = i + 1;
      } else {
        ids.push_back(*unk_);
        spans.emplace_back(i, i + 1);
      }
      last_unk = true;
    }
  }
  for (const auto& sym : merges_.apply(ids)) out.push_back(Piece{sym.id, spans[sym.first].first, spans[sym.last - 1].second});
}

std::vector<Token> ByteLevelBpe::tokenize_plain(std::string_view text) const {
  std::vector<Token> out;
  if (text.empty()) return out;
  // With add_prefix_space the pieces are cut from " " + text; byte 0 of that is not in the input.
  std::string prefixed;
  std::string_view s = text;
  size_t shift = 0;
  if (add_prefix_space_ && text.front() != ' ') {
    prefixed = " " + std::string(text);
    s = prefixed;
    shift = 1;
  }

  out.reserve(s.size() / 4 + 8);  // English averages over 4 bytes per token
  // Per call, so that concurrent calls need no lock; bounded, since every distinct word is a key.
  constexpr size_t kMaxCacheEntries = 1 << 16, kMaxCachedWord = 64;
  std::unordered_map<std::string, std::vector<Piece>, TransparentHash, std::equal_to<>> cache;
  std::vector<Piece> scratch;
  auto emit = [&](size_t b, size_t e) {
    if (e <= b) return;
    const std::string_view word = s.substr(b, e - b);
    const std::vector<Piece>* pieces = nullptr;
    if (word.size() <= kMaxCachedWord) {
      auto it = cache.find(word);
      if (it == cache.end()) {
        if (cache.size() >= kMaxCacheEntries) cache.clear();
        bpe(word, scratch);
        it = cache.emplace(std::string(word), scratch).first;
      }
      pieces = &it->second;
    } else {
      bpe(word, scratch);
      pieces = &scratch;
    }
    for (const Piece& p : *pieces) {
      Token t;
      t.id = p.id;
      t.text = token_text(p.id);
      t.begin = std::max(b + p.begin, shift) - shift;
      t.end = std::max(b + p.end, shift) - shift;
      out.push_back(std::move(t));
    }
  };

  if (!use_regex_) {
    emit(0, s.size());
    return out;
  }

  // ICU matches in UTF-16 (an ill-formed UTF-8 sequence becomes one U+FFFD).
  icu::UnicodeString u16;
  {
    UChar* buf = u16.getBuffer(static_cast<int32_t>(s.size()) + 1);
    int32_t i16 = 0;
    for_each_code_point(s, [&](size_t, size_t, UChar32 c) {
      const UChar32 u = c < 0 ? 0xFFFD : c;
      U16_APPEND_UNSAFE(buf, i16, u);
    });
    u16.releaseBuffer(i16);
  }
  // Matches come in order, so one forward walk maps their UTF-16 indices to byte offsets.
  const auto* s8 = reinterpret_cast<const uint8_t*>(s.data());
  const int32_t n8 = static_cast<int32_t>(s.size());
  int32_t cur8 = 0, cur16 = 0;
  auto byte_offset = [&](int32_t at16) {
    while (cur16 < at16) {
      UChar32 c;
      U8_NEXT(s8, cur8, n8, c);
      cur16 += c < 0 ? 1 : U16_LENGTH(c);
    }
    return static_cast<size_t>(cur8);
  };

  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::RegexMatcher> m(regex_->pattern->matcher(u16, status));
  size_t done = 0;
  while (U_SUCCESS(status) && m->find(status)) {
    const int32_t start = m->start(status), end = m->end(status);
    if (U_FAILURE(status)) break;
    const size_t b = byte_offset(start), e = byte_offset(end);
    emit(done, b);  // text between matches stays a piece of its own (none for GPT-2's pattern)
    emit(b, e);
    done = e;
  }
  if (U_FAILURE(status)) fail(ErrorKind::Resource, std::string("pre-tokenizing the text failed in ICU's regex: ") + u_errorName(status));
  emit(done, s.size());
  return out;
}

std::string ByteLevelBpe::display(int64_t id) const {
  const std::string& t = token_text(id);
  const ByteMap& map = byte_map();
  std::string bytes;
  for_each_code_point(t, [&](size_t b, size_t e, UChar32 c) {
    if (c >= 0 && c < ByteMap::kEnd && map.to_byte[c] >= 0) bytes += static_cast<char>(map.to_byte[c]);
    else bytes.append(t, b, e - b);  // e.g. an added token's own text
  });
  std::string out;
  for_each_code_point(bytes, [&](size_t b, size_t e, UChar32 c) {
    if (c >= 0) {
      out.append(bytes, b, e - b);
      return;
    }
    for (size_t k = b; k < e; ++k) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "<0x%02X>", static_cast<unsigned char>(bytes[k]));
      out += esc;
    }
  });
  return out;
}

}  // namespace attnscope
