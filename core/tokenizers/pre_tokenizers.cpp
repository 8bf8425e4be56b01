#include "core/tokenizers/pre_tokenizers.h"

#include <algorithm>
#include <functional>

#include "core/common/error.h"
#include "core/tokenizers/json_fields.h"
#include "core/tokenizers/normalizers.h"

namespace attnscope {

namespace {

struct ByteTable {
  char32_t to_char[256];
  int16_t to_byte[0x144];
  ByteTable() {
    std::fill(std::begin(to_byte), std::end(to_byte), int16_t{-1});
    char32_t next = 0x100;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      to_char[b] = printable ? static_cast<char32_t>(b) : next++;
      to_byte[to_char[b]] = static_cast<int16_t>(b);
    }
  }
};

const ByteTable& byte_table() {
  static const ByteTable t;
  return t;
}

}  // namespace

char32_t byte_level_char(uint8_t b) { return byte_table().to_char[b]; }
int byte_of_char(char32_t c) { return c < 0x144 ? byte_table().to_byte[c] : -1; }

void to_byte_level(NormalizedString& s) {
  const std::string& t = s.get();
  std::vector<NormalizedString::Change> dest;
  dest.reserve(t.size());
  for (size_t i = 0; i < t.size();) {
    const size_t b = i;
    next_char(t, i);
    for (size_t k = b; k < i; ++k) dest.push_back({byte_level_char(static_cast<uint8_t>(t[k])), k > b ? 1 : 0});
  }
  s.transform(dest, 0);
}

std::vector<NormalizedString> split_normalized(const NormalizedString& s, std::vector<Pattern::Piece> m, SplitBehavior behavior) {
  struct Cut {
    size_t b, e;
    bool remove;
  };
  std::vector<Cut> cuts;
  cuts.reserve(m.size());
  switch (behavior) {
    case SplitBehavior::Isolated:
      for (const auto& p : m) cuts.push_back({p.begin, p.end, false});
      break;
    case SplitBehavior::Removed:
      for (const auto& p : m) cuts.push_back({p.begin, p.end, p.match});
      break;
    case SplitBehavior::Contiguous: {
      bool prev = false;
      for (const auto& p : m) {
        if (p.match == prev && !cuts.empty()) cuts.back().e = p.end;
        else cuts.push_back({p.begin, p.end, false});
        prev = p.match;
      }
      break;
    }
    case SplitBehavior::MergedWithPrevious: {
      bool prev = false;
      for (const auto& p : m) {
        if (p.match && !prev && !cuts.empty()) cuts.back().e = p.end;
        else cuts.push_back({p.begin, p.end, false});
        prev = p.match;
      }
      break;
    }
    case SplitBehavior::MergedWithNext: {
      bool prev = false;
      for (auto it = m.rbegin(); it != m.rend(); ++it) {
        if (it->match && !prev && !cuts.empty()) cuts.back().b = it->begin;
        else cuts.push_back({it->begin, it->end, false});
        prev = it->match;
      }
      std::reverse(cuts.begin(), cuts.end());
      break;
    }
  }
  std::vector<NormalizedString> out;
  out.reserve(cuts.size());
  for (const auto& c : cuts)
    if (!c.remove && c.e > c.b) out.push_back(s.slice(c.b, c.e));
  return out;
}

namespace {

// Applies f to every piece without tokens, replacing it by what f returns.
template <class F>
void split_pieces(std::vector<PreToken>& pieces, F&& f) {
  std::vector<PreToken> out;
  out.reserve(pieces.size() * 2);
  for (auto& p : pieces) {
    if (p.done) {
      out.push_back(std::move(p));
      continue;
    }
    for (auto& n : f(std::move(p.text))) {
      if (n.empty()) continue;
      PreToken t;
      t.text = std::move(n);
      out.push_back(std::move(t));
    }
  }
  pieces = std::move(out);
}

class SequencePre final : public PreTokenizer {
 public:
  std::vector<std::unique_ptr<PreTokenizer>> steps;
  void pre_tokenize(std::vector<PreToken>& pieces) const override {
    for (const auto& s : steps) s->pre_tokenize(pieces);
  }
};

class SplitPre final : public PreTokenizer {
 public:
  SplitPre(Pattern p, SplitBehavior b, bool invert) : pattern_(std::move(p)), behavior_(b), invert_(invert) {}
  void pre_tokenize(std::vector<PreToken>& pieces) const override {
    split_pieces(pieces, [&](NormalizedString s) {
      auto m = pattern_.find_matches(s.get());
      if (invert_)
        for (auto& p : m) p.match = !p.match;
      return split_normalized(s, std::move(m), behavior_);
    });
  }

 private:
  Pattern pattern_;
  SplitBehavior behavior_;
  bool invert_;
};

class CharSplitPre final : public PreTokenizer {
 public:
  CharSplitPre(std::vector<std::pair<bool (*)(char32_t), SplitBehavior>> steps) : steps_(std::move(steps)) {}
  void pre_tokenize(std::vector<PreToken>& pieces) const override {
    for (const auto& step : steps_)  // (clang 14 cannot capture structured bindings)
      split_pieces(pieces, [&](NormalizedString s) { return split_normalized(s, char_matches(s.get(), step.first), step.second); });
  }

 private:
  std::vector<std::pair<bool (*)(char32_t), SplitBehavior>> steps_;
};

class DelimiterPre final : public PreTokenizer {
 public:
  explicit DelimiterPre(char32_t d) : d_(d) {}
  void pre_tokenize(std::vector<PreToken>& pieces) const override {
    split_pieces(pieces, [&](NormalizedString s) {
      return split_normalized(s, char_matches(s.get(), [this](char32_t c) { return c == d_; }), SplitBehavior::Removed);
    });
  }

 private:
  char32_t d_;
};

constexpr const char* kGpt2Pattern = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

class ByteLevelPre final : public PreTokenizer {
 public:
  ByteLevelPre(bool prefix, bool use_regex) : prefix_(prefix) {
    if (use_regex) regex_ = std::make_unique<Pattern>(Pattern::regex(kGpt2Pattern, "the GPT-2 pattern"));
  }
  void pre_tokenize(std::vector<PreToken>& pieces) const override {
    split_pieces(pieces, [&](NormalizedString s) {
      if (prefix_ && s.get()[0] != ' ') s.prepend(" ");
      if (!regex_) return std::vector<NormalizedString>{std::move(s)};
      return split_normalized(s, regex_->find_matches(s.get()), SplitBehavior::Isolated);
    });
    for (auto& p : pieces)
      if (!p.done) to_byte_level(p.text);
  }

 private:
  bool prefix_;
  std::unique_ptr<Pattern> regex_;
};

class MetaspacePre final : public PreTokenizer {
 public:
  enum class Prepend { Always, First, Never };
  MetaspacePre(char32_t replacement, Prepend prepend, bool split) : rep_(replacement), prepend_(prepend), split_(split) {
    append_utf8(rep_str_, rep_);
  }
  void pre_tokenize(std::vector<PreToken>& pieces) const override {
    split_pieces(pieces, [&](NormalizedString s) {
      std::vector<NormalizedString::Change> dest;
      const std::string& t = s.get();
      bool any = false;
      for (size_t i = 0; i < t.size();) {
        const char32_t c = next_char(t, i);
        any = any || c == ' ';
        dest.push_back({c == ' ' ? rep_ : c, 0});
      }
      if (any) s.transform(dest, 0);
      const bool starts = s.get().compare(0, rep_str_.size(), rep_str_) == 0;
      if (!starts && (prepend_ == Prepend::Always || (prepend_ == Prepend::First && s.shift() == 0))) s.prepend(rep_str_);
      if (!split_) return std::vector<NormalizedString>{std::move(s)};
      return split_normalized(s, char_matches(s.get(), [this](char32_t c) { return c == rep_; }), SplitBehavior::MergedWithNext);
    });
  }

 private:
  char32_t rep_;
  std::string rep_str_;
  Prepend prepend_;
  bool split_;
};

SplitBehavior parse_behavior(const nlohmann::json& j, const std::string& where, SplitBehavior fallback) {
  const std::string b = json_string_or(j, "behavior", "", where);
  if (b.empty()) return fallback;
  if (b == "Removed") return SplitBehavior::Removed;
  if (b == "Isolated") return SplitBehavior::Isolated;
  if (b == "MergedWithPrevious") return SplitBehavior::MergedWithPrevious;
  if (b == "MergedWithNext") return SplitBehavior::MergedWithNext;
  if (b == "Contiguous") return SplitBehavior::Contiguous;
  json_fail(where + ".behavior", "unknown behavior '" + b + "' (Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous)");
}

char32_t single_char(const std::string& s, const std::string& where) {
  const auto chars = utf8_chars(s);
  if (chars.size() != 1) json_fail(where, "expected exactly one character, got '" + s + "'");
  return chars[0];
}

bool is_punct(char32_t c) { return (c < 0x80 && is_bert_punctuation(c)) || is_punctuation_category(c); }

}  // namespace

std::unique_ptr<PreTokenizer> parse_pre_tokenizer(const nlohmann::json& j, const std::string& where) {
  if (j.is_null()) return nullptr;
  const std::string type = json_type(j, where);
  if (type == "Sequence") {
    auto seq = std::make_unique<SequencePre>();
    seq->steps = parse_steps<PreTokenizer>(j, "pretokenizers", where, parse_pre_tokenizer);
    return seq;
  }
  if (type == "Split") {
    return std::make_unique<SplitPre>(Pattern::from_json(json_member(j, "pattern", where), where + ".pattern"),
                                      parse_behavior(j, where, SplitBehavior::Isolated), json_bool(j, "invert", false, where));
  }
  if (type == "ByteLevel") return std::make_unique<ByteLevelPre>(json_bool(j, "add_prefix_space", true, where), json_bool(j, "use_regex", true, where));
  if (type == "Metaspace") {
    const char32_t rep = single_char(json_string_or(j, "replacement", "\xE2\x96\x81", where), where + ".replacement");
    MetaspacePre::Prepend prepend = json_bool(j, "add_prefix_space", true, where) ? MetaspacePre::Prepend::Always : MetaspacePre::Prepend::Never;
    const std::string scheme = json_string_or(j, "prepend_scheme", "", where);
    if (scheme == "always") prepend = MetaspacePre::Prepend::Always;
    else if (scheme == "first") prepend = MetaspacePre::Prepend::First;
    else if (scheme == "never") prepend = MetaspacePre::Prepend::Never;
    else if (!scheme.empty()) json_fail(where + ".prepend_scheme", "expected always, first or never, got '" + scheme + "'");
    return std::make_unique<MetaspacePre>(rep, prepend, json_bool(j, "split", true, where));
  }
  if (type == "Whitespace") {
    // Oniguruma's \w, like ICU's, takes the joiners U+200C / U+200D as word characters.
    auto m = Pattern::regex(R"(\w+|[^\w\s]+)", where);
    return std::make_unique<SplitPre>(std::move(m), SplitBehavior::Removed, true);
  }
  if (type == "WhitespaceSplit") return std::make_unique<CharSplitPre>(std::vector<std::pair<bool (*)(char32_t), SplitBehavior>>{{is_rust_whitespace, SplitBehavior::Removed}});
  if (type == "BertPreTokenizer")
    return std::make_unique<CharSplitPre>(std::vector<std::pair<bool (*)(char32_t), SplitBehavior>>{
        {is_rust_whitespace, SplitBehavior::Removed}, {is_bert_punctuation, SplitBehavior::Isolated}});
  if (type == "Punctuation")
    return std::make_unique<CharSplitPre>(std::vector<std::pair<bool (*)(char32_t), SplitBehavior>>{{is_punct, parse_behavior(j, where, SplitBehavior::Isolated)}});
  if (type == "Digits") {
    const bool individual = json_bool(j, "individual_digits", false, where);
    return std::make_unique<CharSplitPre>(std::vector<std::pair<bool (*)(char32_t), SplitBehavior>>{
        {is_rust_numeric, individual ? SplitBehavior::Isolated : SplitBehavior::Contiguous}});
  }
  if (type == "CharDelimiterSplit") return std::make_unique<DelimiterPre>(single_char(json_string(j, "delimiter", where), where + ".delimiter"));
  fail(ErrorKind::Model, where + ": pre_tokenizer type '" + type + "' is not supported");
}

}  // namespace attnscope
