#include "core/tokenizers/normalizers.h"

#include <functional>
#include <vector>

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#include "core/common/error.h"
#include "core/tokenizers/json_fields.h"
#include "core/tokenizers/pattern.h"
#include "core/tokenizers/precompiled.h"

namespace attnscope {

namespace {

bool in_category(char32_t c, uint32_t mask) { return (U_GET_GC_MASK(static_cast<UChar32>(c)) & mask) != 0; }

}  // namespace

bool is_rust_whitespace(char32_t c) { return u_isUWhiteSpace(static_cast<UChar32>(c)); }
bool is_rust_numeric(char32_t c) { return in_category(c, U_GC_N_MASK); }
bool is_rust_alphanumeric(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  return u_hasBinaryProperty(static_cast<UChar32>(c), UCHAR_ALPHABETIC) || is_rust_numeric(c);
}
bool is_punctuation_category(char32_t c) { return in_category(c, U_GC_P_MASK); }
bool is_bert_punctuation(char32_t c) {
  return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126) ||
         is_punctuation_category(c);
}

namespace {

using Change = NormalizedString::Change;

class SequenceNormalizer final : public Normalizer {
 public:
  std::vector<std::unique_ptr<Normalizer>> steps;
  void normalize(NormalizedString& s) const override {
    for (const auto& n : steps) n->normalize(s);
  }
};

// Unicode normalization with the alignment HF's crate (unicode-normalization-alignments) gives:
// segment by segment (a segment starts where the form has a boundary), each output character takes
// the input characters whose decompositions its own decomposition covers, in order. A character
// composed from several takes the first one's span and drops the rest; characters a decomposition
// adds are insertions aligned with the character before them.
class UnicodeNormalizer final : public Normalizer {
 public:
  UnicodeNormalizer(const icu::Normalizer2& n, const icu::Normalizer2& decompose) : n_(n), d_(decompose) {}
  void normalize(NormalizedString& s) const override {
    UErrorCode err = U_ZERO_ERROR;
    const icu::UnicodeString whole = icu::UnicodeString::fromUTF8(s.get());
    if (n_.isNormalized(whole, err) && U_SUCCESS(err)) return;
    const std::vector<char32_t> chars = utf8_chars(s.get());
    std::vector<Change> dest;
    dest.reserve(chars.size() + 8);
    for (size_t i = 0; i < chars.size();) {
      size_t j = i + 1;
      while (j < chars.size() && !n_.hasBoundaryBefore(static_cast<UChar32>(chars[j]))) ++j;
      icu::UnicodeString seg;
      for (size_t k = i; k < j; ++k) seg.append(static_cast<UChar32>(chars[k]));
      err = U_ZERO_ERROR;
      const icu::UnicodeString out = n_.normalize(seg, err);
      std::vector<char32_t> o;
      for (int32_t k = 0; k < out.length();) {
        const UChar32 c = out.char32At(k);
        o.push_back(static_cast<char32_t>(c));
        k += U16_LENGTH(c);
      }
      size_t in_at = i, in_sum = 0, out_sum = 0;
      for (size_t k = 0; k < o.size(); ++k) {
        out_sum += decomposed_length(o[k]);
        size_t taken = 0;
        while (in_at < j && (in_sum < out_sum || (taken == 0 && k + 1 == o.size()))) {
          in_sum += decomposed_length(chars[in_at++]);
          ++taken;
        }
        if (k + 1 == o.size()) taken += j - in_at;  // whatever is left goes with the last character
        dest.push_back({o[k], taken == 0 ? 1 : -static_cast<int>(taken - 1)});
      }
      if (o.empty() && !dest.empty()) dest.back().change -= static_cast<int>(j - i);
      i = j;
    }
    s.transform(dest, 0);
  }

 private:
  size_t decomposed_length(char32_t c) const {
    icu::UnicodeString d;
    if (!d_.getDecomposition(static_cast<UChar32>(c), d)) return 1;
    // getDecomposition gives one level only; a full decomposition is what the forms compare.
    UErrorCode err = U_ZERO_ERROR;
    const icu::UnicodeString full = d_.normalize(d, err);
    return static_cast<size_t>(std::max(1, full.countChar32()));
  }
  const icu::Normalizer2& n_;
  const icu::Normalizer2& d_;
};

const icu::Normalizer2& icu_form(const std::string& type, const std::string& where) {
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* n = nullptr;
  if (type == "NFC") n = icu::Normalizer2::getNFCInstance(err);
  else if (type == "NFD") n = icu::Normalizer2::getNFDInstance(err);
  else if (type == "NFKC") n = icu::Normalizer2::getNFKCInstance(err);
  else n = icu::Normalizer2::getNFKDInstance(err);
  if (U_FAILURE(err) || !n) fail(ErrorKind::Resource, where + ": ICU's " + type + " data is unavailable");
  return *n;
}

// Rust's char::to_lowercase: the full mapping of one character, without context.
void lowercase(NormalizedString& s) {
  const std::string& t = s.get();
  bool ascii_lower = true;
  for (char ch : t)
    if ((ch >= 'A' && ch <= 'Z') || (static_cast<unsigned char>(ch) & 0x80)) ascii_lower = false;
  if (ascii_lower) return;
  std::vector<Change> dest;
  dest.reserve(t.size());
  for (size_t i = 0; i < t.size();) {
    const char32_t c = next_char(t, i);
    if (c < 0x80) {
      dest.push_back({c >= 'A' && c <= 'Z' ? c + 32 : c, 0});
      continue;
    }
    UChar in[2];
    int32_t n = 0;
    U16_APPEND_UNSAFE(in, n, static_cast<UChar32>(c));
    UChar out[16];
    UErrorCode err = U_ZERO_ERROR;
    const int32_t m = u_strToLower(out, 16, in, n, "", &err);
    if (U_FAILURE(err)) {
      dest.push_back({c, 0});
      continue;
    }
    int first = 0;
    for (int32_t k = 0; k < m;) {
      UChar32 o;
      U16_NEXT(out, k, m, o);
      dest.push_back({static_cast<char32_t>(o), first++ > 0 ? 1 : 0});
    }
  }
  s.transform(dest, 0);
}

void map_chars(NormalizedString& s, char32_t (*f)(char32_t)) {
  std::vector<Change> dest;
  const std::string& t = s.get();
  dest.reserve(t.size());
  bool changed = false;
  for (size_t i = 0; i < t.size();) {
    const char32_t c = next_char(t, i);
    const char32_t m = f(c);
    changed = changed || m != c;
    dest.push_back({m, 0});
  }
  if (changed) s.transform(dest, 0);
}

void strip(NormalizedString& s, bool left, bool right) {
  const std::vector<char32_t> chars = utf8_chars(s.get());
  size_t lead = 0, trail = 0;
  if (left)
    while (lead < chars.size() && is_rust_whitespace(chars[lead])) ++lead;
  if (right)
    while (trail < chars.size() - lead && is_rust_whitespace(chars[chars.size() - 1 - trail])) ++trail;
  if (lead == 0 && trail == 0) return;
  std::vector<Change> dest;
  for (size_t i = lead; i + trail < chars.size(); ++i)
    dest.push_back({chars[i], i + 1 + trail == chars.size() ? -static_cast<int>(trail) : 0});
  s.transform(dest, lead);
}

class FnNormalizer final : public Normalizer {
 public:
  explicit FnNormalizer(std::function<void(NormalizedString&)> f) : f_(std::move(f)) {}
  void normalize(NormalizedString& s) const override { f_(s); }

 private:
  std::function<void(NormalizedString&)> f_;
};

// Replaces every match of the pattern by `content`; each new character is aligned with the last
// byte of the match it replaces (HF's replace, through transform_range).
void replace(NormalizedString& s, const Pattern& pattern, const std::string& content) {
  std::vector<std::pair<size_t, size_t>> ranges;
  for (const auto& p : pattern.find_matches(s.get()))
    if (p.match) ranges.emplace_back(p.begin, p.end);
  if (!ranges.empty()) s.replace_ranges(ranges, content);
}

bool is_bert_control(char32_t c) {
  if (c == '\t' || c == '\n' || c == '\r') return false;
  // HF's tables list assigned characters only: an unassigned one (Cn) is not "other" there.
  return in_category(c, U_GC_CC_MASK | U_GC_CF_MASK | U_GC_CS_MASK | U_GC_CO_MASK);
}

bool is_chinese_char(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
         (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

void strip_marks(NormalizedString& s, uint32_t mask) {
  const std::string& t = s.get();
  bool any = false;
  for (size_t i = 0; i < t.size() && !any;) {
    const char32_t c = next_char(t, i);
    any = c >= 0x300 && in_category(c, mask);
  }
  if (any) s.filter([mask](char32_t c) { return !(c >= 0x300 && in_category(c, mask)); });
}

struct BertOptions {
  bool clean_text = true, chinese = true, lowercase = true;
  bool strip_accents = true;
};

void bert_normalize(NormalizedString& s, const BertOptions& o) {
  if (o.clean_text) {
    const std::string& t = s.get();
    bool dirty = false;
    for (size_t i = 0; i < t.size() && !dirty;) {
      const char32_t c = next_char(t, i);
      dirty = c == 0 || c == 0xFFFD || is_bert_control(c) || (c != ' ' && is_rust_whitespace(c));
    }
    if (dirty) {
      s.filter([](char32_t c) { return !(c == 0 || c == 0xFFFD || is_bert_control(c)); });
      map_chars(s, [](char32_t c) -> char32_t { return is_rust_whitespace(c) ? U' ' : c; });
    }
  }
  if (o.chinese) {
    const std::string& t = s.get();
    bool any = false;
    for (size_t i = 0; i < t.size() && !any;) any = is_chinese_char(next_char(t, i));
    if (any) {
      std::vector<Change> dest;
      for (size_t i = 0; i < t.size();) {
        const char32_t c = next_char(t, i);
        if (is_chinese_char(c)) {
          dest.push_back({U' ', 0});
          dest.push_back({c, 1});
          dest.push_back({U' ', 1});
        } else {
          dest.push_back({c, 0});
        }
      }
      s.transform(dest, 0);
    }
  }
  if (o.strip_accents) {
    UnicodeNormalizer(icu_form("NFD", ""), icu_form("NFD", "")).normalize(s);
    strip_marks(s, U_GC_MN_MASK);
  }
  if (o.lowercase) lowercase(s);
}

}  // namespace

std::unique_ptr<Normalizer> parse_normalizer(const nlohmann::json& j, const std::string& where) {
  if (j.is_null()) return nullptr;
  const std::string type = json_type(j, where);
  if (type == "Sequence") {
    auto seq = std::make_unique<SequenceNormalizer>();
    seq->steps = parse_steps<Normalizer>(j, "normalizers", where, parse_normalizer);
    return seq;
  }
  if (type == "NFC" || type == "NFD" || type == "NFKC" || type == "NFKD")
    return std::make_unique<UnicodeNormalizer>(icu_form(type, where), icu_form(type[2] == 'K' ? "NFKD" : "NFD", where));
  if (type == "Lowercase") return std::make_unique<FnNormalizer>(lowercase);
  if (type == "Strip") {
    const bool l = json_bool(j, "strip_left", true, where), r = json_bool(j, "strip_right", true, where);
    return std::make_unique<FnNormalizer>([l, r](NormalizedString& s) { strip(s, l, r); });
  }
  if (type == "StripAccents") return std::make_unique<FnNormalizer>([](NormalizedString& s) { strip_marks(s, U_GC_M_MASK); });
  if (type == "Replace") {
    auto pattern = std::make_shared<Pattern>(Pattern::from_json(json_member(j, "pattern", where), where + ".pattern"));
    const std::string content = json_string(j, "content", where);
    return std::make_unique<FnNormalizer>([pattern, content](NormalizedString& s) { replace(s, *pattern, content); });
  }
  if (type == "Prepend") {
    const std::string p = json_string(j, "prepend", where);
    return std::make_unique<FnNormalizer>([p](NormalizedString& s) { s.prepend(p); });
  }
  if (type == "BertNormalizer") {
    BertOptions o;
    o.clean_text = json_bool(j, "clean_text", true, where);
    o.chinese = json_bool(j, "handle_chinese_chars", true, where);
    o.lowercase = json_bool(j, "lowercase", true, where);
    o.strip_accents = json_bool(j, "strip_accents", o.lowercase, where);
    return std::make_unique<FnNormalizer>([o](NormalizedString& s) { bert_normalize(s, o); });
  }
  if (type == "Nmt") {
    return std::make_unique<FnNormalizer>([](NormalizedString& s) {
      s.filter([](char32_t c) { return !((c >= 1 && c <= 8) || c == 0xB || (c >= 0xE && c <= 0x1F) || c == 0x7F || c == 0x8F || c == 0x9F); });
      map_chars(s, [](char32_t c) -> char32_t {
        const bool space = c == 9 || c == 0xA || c == 0xC || c == 0xD || c == 0x1680 || (c >= 0x200B && c <= 0x200F) || c == 0x2028 ||
                           c == 0x2029 || c == 0x2581 || c == 0xFEFF || c == 0xFFFD;
        return space ? U' ' : c;
      });
    });
  }
  if (type == "Precompiled") return parse_precompiled(j, where);
  fail(ErrorKind::Model, where + ": normalizer type '" + type + "' is not supported");
}

}  // namespace attnscope
