#include "core/tokenizers/pattern.h"

#include <unicode/regex.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>

#include "core/common/error.h"
#include "core/tokenizers/normalized_string.h"

namespace attnscope {

struct Pattern::Compiled {
  std::unique_ptr<icu::RegexPattern> pattern;
};

Pattern::Pattern() = default;
Pattern::~Pattern() = default;
Pattern::Pattern(Pattern&&) noexcept = default;
Pattern& Pattern::operator=(Pattern&&) noexcept = default;

Pattern Pattern::literal(std::string s) {
  Pattern p;
  p.literal_ = std::move(s);
  return p;
}

namespace {

// Oniguruma's \s / \S (Unicode White_Space) and \h (hex digit in Oniguruma, horizontal space in
// ICU) spelled so that ICU reads them the same way.
std::string to_icu_syntax(const std::string& re) {
  std::string out;
  out.reserve(re.size() + 16);
  for (size_t i = 0; i < re.size(); ++i) {
    if (re[i] != '\\' || i + 1 >= re.size()) {
      out += re[i];
      continue;
    }
    const char n = re[++i];
    if (n == 's') out += "\\p{White_Space}";
    else if (n == 'S') out += "\\P{White_Space}";
    else if (n == 'h') out += "[0-9a-fA-F]";
    else if (n == 'H') out += "[^0-9a-fA-F]";
    else {
      out += '\\';
      out += n;
    }
  }
  return out;
}

}  // namespace

Pattern Pattern::regex(const std::string& oniguruma, const std::string& where) {
  Pattern p;
  auto c = std::make_shared<Compiled>();
  UErrorCode status = U_ZERO_ERROR;
  UParseError parse{};
  c->pattern.reset(icu::RegexPattern::compile(icu::UnicodeString::fromUTF8(to_icu_syntax(oniguruma)), parse, status));
  if (U_FAILURE(status) || !c->pattern)
    fail(ErrorKind::Model, where + ": the regular expression does not compile (" + u_errorName(status) + " near offset " +
                               std::to_string(parse.offset) + ")");
  p.regex_ = std::move(c);
  return p;
}

Pattern Pattern::from_json(const nlohmann::json& j, const std::string& where) {
  if (j.is_string()) return literal(j.get<std::string>());  // a bare string: a char / str pattern
  if (!j.is_object() || j.size() != 1) fail(ErrorKind::Model, where + ": expected {\"String\": ...} or {\"Regex\": ...}");
  if (auto it = j.find("String"); it != j.end() && it->is_string()) return literal(it->get<std::string>());
  if (auto it = j.find("Regex"); it != j.end() && it->is_string()) return regex(it->get<std::string>(), where + ".Regex");
  fail(ErrorKind::Model, where + ": expected {\"String\": ...} or {\"Regex\": ...} with a string");
}

std::vector<Pattern::Piece> Pattern::find_matches(std::string_view text) const {
  std::vector<Piece> out;
  if (text.empty()) {
    out.push_back({0, 0, false});
    return out;
  }
  size_t prev = 0;
  auto add = [&](size_t b, size_t e) {
    if (prev != b) out.push_back({prev, b, false});
    out.push_back({b, e, true});
    prev = e;
  };
  if (!regex_) {
    if (!literal_.empty())
      for (size_t at = text.find(literal_); at != std::string_view::npos; at = text.find(literal_, at + literal_.size()))
        add(at, at + literal_.size());
  } else {
    // ICU matches UTF-16; byte_at maps each UTF-16 index back to a byte offset.
    icu::UnicodeString u16;
    std::vector<uint32_t> byte_at;
    byte_at.reserve(text.size() + 1);
    {
      UChar* buf = u16.getBuffer(static_cast<int32_t>(text.size()) + 1);
      int32_t n16 = 0;
      for (size_t i = 0; i < text.size();) {
        const auto b = static_cast<uint32_t>(i);
        const auto c = static_cast<UChar32>(next_char(text, i));
        U16_APPEND_UNSAFE(buf, n16, c);
        byte_at.push_back(b);
        if (c > 0xFFFF) byte_at.push_back(b);
      }
      u16.releaseBuffer(n16);
      byte_at.push_back(static_cast<uint32_t>(text.size()));
    }
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::RegexMatcher> m(regex_->pattern->matcher(u16, status));
    // A pattern that backtracks without end on this text stops with an error instead of hanging.
    if (U_SUCCESS(status)) m->setTimeLimit(10000, status);
    while (U_SUCCESS(status) && m->find(status)) {
      const int32_t b = m->start(status), e = m->end(status);
      if (U_FAILURE(status)) break;
      add(byte_at[static_cast<size_t>(b)], byte_at[static_cast<size_t>(e)]);
    }
    if (U_FAILURE(status))
      fail(ErrorKind::Input, std::string("the tokenizer's pattern cannot split this text (ICU: ") + u_errorName(status) +
                                 "; a pattern that backtracks too much, or nests too deep)");
  }
  if (prev != text.size()) out.push_back({prev, text.size(), false});
  return out;
}

}  // namespace attnscope
