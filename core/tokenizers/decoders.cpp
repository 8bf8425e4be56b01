#include "core/tokenizers/decoders.h"

#include <cstdio>

#include <unicode/utf8.h>

#include "core/common/error.h"
#include "core/tokenizers/json_fields.h"
#include "core/tokenizers/normalized_string.h"
#include "core/tokenizers/pattern.h"
#include "core/tokenizers/pre_tokenizers.h"

namespace attnscope {

namespace {

// Marks a byte that is not part of valid UTF-8, so that decode_tokens can show it as <0xXX>.
// (U+F8xx private-use characters never come out of a tokenizer's byte decoding.)
constexpr char32_t kRawByteBase = 0xF8000;

// Bytes -> text: valid UTF-8 as is, every other byte as a raw-byte marker.
std::string bytes_to_text(const std::string& bytes) {
  std::string out;
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  const auto n = static_cast<int32_t>(bytes.size());
  for (int32_t i = 0; i < n;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c >= 0) out.append(bytes, static_cast<size_t>(start), static_cast<size_t>(i - start));
    else
      for (int32_t k = start; k < i; ++k) append_utf8(out, kRawByteBase + p[k]);
  }
  return out;
}

bool starts_with(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }

class SequenceDecoder final : public Decoder {
 public:
  std::vector<std::unique_ptr<Decoder>> steps;
  std::vector<std::string> decode_chain(std::vector<std::string> t) const override {
    for (const auto& d : steps) t = d->decode_chain(std::move(t));
    return t;
  }
};

class ByteLevelDecoder final : public Decoder {
 public:
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    std::string bytes;
    for (const auto& t : tokens) {
      std::string mine;
      bool all = true;
      for (size_t i = 0; i < t.size() && all;) {
        const int b = byte_of_char(next_char(t, i));
        if (b < 0) all = false;
        else mine += static_cast<char>(b);
      }
      bytes += all ? mine : t;
    }
    return {bytes_to_text(bytes)};
  }
};

class ByteFallbackDecoder final : public Decoder {
 public:
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    std::vector<std::string> out;
    std::string pending;
    auto flush = [&] {
      if (!pending.empty()) out.push_back(bytes_to_text(pending));
      pending.clear();
    };
    for (auto& t : tokens) {
      const int b = parse_byte_token(t);
      if (b >= 0) {
        pending += static_cast<char>(b);
        continue;
      }
      flush();
      out.push_back(std::move(t));
    }
    flush();
    return out;
  }
};

class FuseDecoder final : public Decoder {
 public:
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    std::string all;
    for (const auto& t : tokens) all += t;
    return {all};
  }
};

class MetaspaceDecoder final : public Decoder {
 public:
  MetaspaceDecoder(std::string rep, bool strip_first) : rep_(std::move(rep)), strip_first_(strip_first) {}
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    for (size_t i = 0; i < tokens.size(); ++i) {
      std::string out;
      const std::string& t = tokens[i];
      for (size_t k = 0; k < t.size();) {
        if (t.compare(k, rep_.size(), rep_) == 0) {
          out += ' ';
          k += rep_.size();
        } else {
          out += t[k++];
        }
      }
      if (i == 0 && strip_first_ && !out.empty() && out[0] == ' ') out.erase(0, 1);
      tokens[i] = std::move(out);
    }
    return tokens;
  }

 private:
  std::string rep_;
  bool strip_first_;
};

class WordPieceDecoder final : public Decoder {
 public:
  WordPieceDecoder(std::string prefix, bool cleanup) : prefix_(std::move(prefix)), cleanup_(cleanup) {}
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    for (size_t i = 0; i < tokens.size(); ++i) {
      std::string& t = tokens[i];
      if (i != 0) {
        if (starts_with(t, prefix_)) t.erase(0, prefix_.size());
        else t.insert(0, " ");
      }
      if (cleanup_) t = cleanup(t);
    }
    return tokens;
  }

 private:
  static std::string cleanup(std::string s) {
    static const std::pair<const char*, const char*> rules[] = {{" .", "."}, {" ?", "?"}, {" !", "!"}, {" ,", ","}, {" ' ", "'"},
                                                                {" n't", "n't"}, {" 'm", "'m"}, {" do not", " don't"}, {" 's", "'s"},
                                                                {" 've", "'ve"}, {" 're", "'re"}};
    for (const auto& [from, to] : rules) {
      const std::string f = from, t = to;
      for (size_t at = s.find(f); at != std::string::npos; at = s.find(f, at + t.size())) s.replace(at, f.size(), t);
    }
    return s;
  }
  std::string prefix_;
  bool cleanup_;
};

class StripDecoder final : public Decoder {
 public:
  StripDecoder(std::string content, size_t start, size_t stop) : content_(std::move(content)), start_(start), stop_(stop) {}
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    for (auto& t : tokens) {
      for (size_t k = 0; k < start_ && starts_with(t, content_); ++k) t.erase(0, content_.size());
      for (size_t k = 0; k < stop_ && t.size() >= content_.size() && t.compare(t.size() - content_.size(), content_.size(), content_) == 0; ++k)
        t.erase(t.size() - content_.size());
    }
    return tokens;
  }

 private:
  std::string content_;
  size_t start_, stop_;
};

class ReplaceDecoder final : public Decoder {
 public:
  ReplaceDecoder(Pattern p, std::string content) : pattern_(std::move(p)), content_(std::move(content)) {}
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    for (auto& t : tokens) {
      std::string out;
      for (const auto& piece : pattern_.find_matches(t)) out += piece.match ? content_ : t.substr(piece.begin, piece.end - piece.begin);
      t = std::move(out);
    }
    return tokens;
  }

 private:
  Pattern pattern_;
  std::string content_;
};

class BpeDecoder final : public Decoder {
 public:
  explicit BpeDecoder(std::string suffix) : suffix_(std::move(suffix)) {}
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    for (size_t i = 0; i < tokens.size(); ++i) {
      std::string& t = tokens[i];
      const std::string rep = i + 1 == tokens.size() ? "" : " ";
      for (size_t at = t.find(suffix_); !suffix_.empty() && at != std::string::npos; at = t.find(suffix_, at + rep.size()))
        t.replace(at, suffix_.size(), rep);
    }
    return tokens;
  }

 private:
  std::string suffix_;
};

}  // namespace

std::unique_ptr<Decoder> parse_decoder(const nlohmann::json& j, const std::string& where, bool for_display) {
  if (j.is_null()) return nullptr;
  const std::string type = json_type(j, where);
  if (type == "Sequence") {
    auto seq = std::make_unique<SequenceDecoder>();
    seq->steps = parse_steps<Decoder>(j, "decoders", where, [for_display](const nlohmann::json& d, const std::string& w) {
      return parse_decoder(d, w, for_display);
    });
    return seq;
  }
  if (type == "ByteLevel") return std::make_unique<ByteLevelDecoder>();
  if (type == "ByteFallback") return std::make_unique<ByteFallbackDecoder>();
  if (type == "Fuse") return std::make_unique<FuseDecoder>();
  if (type == "Metaspace") {
    const std::string scheme = json_string_or(j, "prepend_scheme", "", where);
    const bool strip = !for_display && (scheme.empty() ? json_bool(j, "add_prefix_space", true, where) : scheme != "never");
    return std::make_unique<MetaspaceDecoder>(json_string_or(j, "replacement", "\xE2\x96\x81", where), strip);
  }
  if (for_display && (type == "WordPiece" || type == "Strip")) {
    json_type(j, where);
    return nullptr;
  }
  if (type == "WordPiece")
    return std::make_unique<WordPieceDecoder>(json_string_or(j, "prefix", "##", where), json_bool(j, "cleanup", true, where));
  if (type == "Strip")
    return std::make_unique<StripDecoder>(json_string_or(j, "content", " ", where),
                                          static_cast<size_t>(json_int_or(j, "start", 0, 0, 1 << 20, where)),
                                          static_cast<size_t>(json_int_or(j, "stop", 0, 0, 1 << 20, where)));
  if (type == "Replace")
    return std::make_unique<ReplaceDecoder>(Pattern::from_json(json_member(j, "pattern", where), where + ".pattern"),
                                            json_string(j, "content", where));
  if (type == "BPEDecoder") return std::make_unique<BpeDecoder>(json_string_or(j, "suffix", "</w>", where));
  fail(ErrorKind::Model, where + ": decoder type '" + type + "' is not supported");
}

int parse_byte_token(const std::string& t) {
  if (t.size() != 6 || t[0] != '<' || t[1] != '0' || t[2] != 'x' || t[5] != '>') return -1;
  unsigned v = 0;
  for (int k = 3; k < 5; ++k) {
    const char c = t[static_cast<size_t>(k)];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= static_cast<unsigned>(c - '0');
    else if (c >= 'A' && c <= 'F') v |= static_cast<unsigned>(c - 'A' + 10);
    else return -1;
  }
  return static_cast<int>(v);
}

std::string decode_tokens(const Decoder* decoder, const std::vector<std::string>& tokens) {
  std::vector<std::string> parts = decoder ? decoder->decode_chain(tokens) : tokens;
  std::string joined;
  for (const auto& p : parts) joined += p;
  std::string out;
  for (size_t i = 0; i < joined.size();) {
    const size_t b = i;
    const char32_t c = next_char(joined, i);
    if (c >= kRawByteBase && c < kRawByteBase + 256) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "<0x%02X>", static_cast<unsigned>(c - kRawByteBase));
      out += esc;
    } else {
      out.append(joined, b, i - b);
    }
  }
  return out;
}

}  // namespace attnscope
