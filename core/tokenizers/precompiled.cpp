#include "core/tokenizers/precompiled.h"

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>

#include "core/common/error.h"
#include "core/tokenizers/json_fields.h"
#include "core/tokenizers/normalized_string.h"
#include "core/tokenizers/tokenizer.h"

namespace attnscope {

namespace {

std::optional<std::string> base64_decode(const std::string& in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  out.reserve(in.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    const int v = value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

class PrecompiledNormalizer final : public Normalizer {
 public:
  PrecompiledNormalizer(std::vector<uint32_t> units, std::string normalized) : units_(std::move(units)), normalized_(std::move(normalized)) {}

  void normalize(NormalizedString& s) const override {
    const std::string& t = s.get();
    if (t.empty()) return;
    std::vector<NormalizedString::Change> dest;
    dest.reserve(t.size());
    bool modified = false;
    auto keep = [&](std::string_view part) {
      for (size_t i = 0; i < part.size();) dest.push_back({next_char(part, i), 0});
    };
    auto replace = [&](std::string_view old_part, std::string_view new_part) {
      const auto old_count = static_cast<long>(utf8_chars(old_part).size());
      const auto fresh = utf8_chars(new_part);
      const auto diff = static_cast<long>(fresh.size()) - old_count;
      for (char32_t c : fresh) dest.push_back({c, 0});
      if (diff > 0)
        for (long k = 0; k < diff; ++k) dest[dest.size() - 1 - static_cast<size_t>(k)].change = 1;
      else if (diff < 0 && !dest.empty())
        dest.back().change += static_cast<int>(diff);
      modified = true;
    };
    for (const auto& [gb, ge] : graphemes(t)) {
      const std::string_view g(t.data() + gb, ge - gb);
      if (g.size() < 6)
        if (auto norm = transform(g)) {
          replace(g, *norm);
          continue;
        }
      for (size_t i = 0; i < g.size();) {
        const size_t b = i;
        next_char(g, i);
        const std::string_view part = g.substr(b, i - b);
        if (auto norm = transform(part)) replace(part, *norm);
        else keep(part);
      }
    }
    if (modified) s.transform(dest, 0);
  }

 private:
  // Extended grapheme clusters as byte ranges, from ICU's character break iterator.
  static std::vector<std::pair<size_t, size_t>> graphemes(const std::string& t) {
    std::vector<std::pair<size_t, size_t>> out;
    const icu::UnicodeString u = icu::UnicodeString::fromUTF8(t);
    std::vector<size_t> byte_at;  // UTF-16 index -> byte offset
    byte_at.reserve(static_cast<size_t>(u.length()) + 1);
    for (size_t i = 0; i < t.size();) {
      const size_t b = i;
      const char32_t c = next_char(t, i);
      byte_at.push_back(b);
      if (c > 0xFFFF) byte_at.push_back(b);
    }
    byte_at.push_back(t.size());
    UErrorCode err = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> it(icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), err));
    if (U_FAILURE(err) || !it) fail(ErrorKind::Resource, std::string("ICU's grapheme break data is unavailable: ") + u_errorName(err));
    it->setText(u);
    int32_t prev = it->first();
    for (int32_t next = it->next(); next != icu::BreakIterator::DONE; prev = next, next = it->next())
      out.emplace_back(byte_at[static_cast<size_t>(prev)], byte_at[static_cast<size_t>(next)]);
    return out;
  }

  // The replacement of the shortest key that `chunk` starts with (HF takes the first result of
  // the common-prefix search), or none.
  std::optional<std::string_view> transform(std::string_view chunk) const {
    size_t pos = 0;
    if (units_.empty()) return std::nullopt;
    pos ^= offset(units_[0]);
    for (unsigned char c : chunk) {
      if (c == 0) break;
      pos ^= c;
      if (pos >= units_.size()) return std::nullopt;
      const uint32_t unit = units_[pos];
      if (label(unit) != c) return std::nullopt;
      pos ^= offset(unit);
      if (pos >= units_.size()) return std::nullopt;
      if ((unit >> 8) & 1) {
        const size_t at = units_[pos] & 0x7FFFFFFFu;
        if (at >= normalized_.size()) return std::nullopt;
        const size_t end = normalized_.find('\0', at);
        return std::string_view(normalized_).substr(at, (end == std::string::npos ? normalized_.size() : end) - at);
      }
    }
    return std::nullopt;
  }
  static uint32_t label(uint32_t unit) { return unit & (0x80000000u | 0xFFu); }
  static size_t offset(uint32_t unit) { return static_cast<size_t>(unit >> 10) << ((unit & (1u << 9)) >> 6); }

  std::vector<uint32_t> units_;
  std::string normalized_;
};

}  // namespace

std::unique_ptr<Normalizer> parse_precompiled(const nlohmann::json& j, const std::string& where) {
  const std::string encoded = json_string(j, "precompiled_charsmap", where);
  const auto bytes = base64_decode(encoded);
  const std::string at = where + ".precompiled_charsmap";
  if (!bytes) json_fail(at, "is not base64");
  if (bytes->empty()) return std::make_unique<PrecompiledNormalizer>(std::vector<uint32_t>{}, std::string());
  if (bytes->size() < 4) json_fail(at, "is shorter than its 4-byte header");
  const auto* p = reinterpret_cast<const uint8_t*>(bytes->data());
  const uint64_t trie_bytes = uint64_t{p[0]} | uint64_t{p[1]} << 8 | uint64_t{p[2]} << 16 | uint64_t{p[3]} << 24;
  if (trie_bytes % 4 != 0 || 4 + trie_bytes > bytes->size())
    json_fail(at, "declares a " + std::to_string(trie_bytes) + "-byte trie in " + std::to_string(bytes->size()) + " bytes");
  std::vector<uint32_t> units(trie_bytes / 4);
  for (size_t k = 0; k < units.size(); ++k) {
    const uint8_t* u = p + 4 + 4 * k;
    units[k] = uint32_t{u[0]} | uint32_t{u[1]} << 8 | uint32_t{u[2]} << 16 | uint32_t{u[3]} << 24;
  }
  std::string normalized = bytes->substr(4 + trie_bytes);
  try {
    require_utf8(normalized, "the replacements");
  } catch (const Error&) {
    json_fail(at, "holds replacements that are not UTF-8");
  }
  return std::make_unique<PrecompiledNormalizer>(std::move(units), std::move(normalized));
}

}  // namespace attnscope
