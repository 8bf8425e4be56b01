#include "core/tokenizers/sentencepiece_bpe.h"

#include <charconv>
#include <cstdio>

#include <unicode/utf8.h>

#include "core/common/error.h"
#include "core/common/text.h"

namespace attnscope {

namespace {

[[noreturn]] void bad(const std::string& label, const std::string& what) { fail(ErrorKind::Model, label + ": " + what); }

// True if the normalizer is the legacy Llama sequence [Prepend("▁"), Replace(" ", "▁")].
bool legacy_normalizer(const nlohmann::json& n, std::string& space) {
  if (!n.is_object() || n.value("type", "") != "Sequence") return false;
  bool prepend = false, replace = false;
  for (const auto& step : n.value("normalizers", nlohmann::json::array())) {
    const std::string type = step.value("type", "");
    if (type == "Prepend" && step.value("prepend", "") == space) prepend = true;
    else if (type == "Replace" && step.contains("pattern") && step["pattern"].value("String", "") == " " &&
             step.value("content", "") == space)
      replace = true;
    else return false;
  }
  return prepend && replace;
}

}  // namespace

std::unique_ptr<Tokenizer> SentencePieceBpe::from_tokenizer_json(const nlohmann::json& tj, const std::string& label) {
  std::unique_ptr<SentencePieceBpe> t(new SentencePieceBpe());
  t->kind_ = "SentencePiece BPE";
  const auto& model = tj.at("model");
  t->vocab_ = parse_vocab_object(model.value("vocab", nlohmann::json()), label, t->id_to_token_);
  t->byte_fallback_ = model.value("byte_fallback", false);
  t->fuse_unk_ = model.value("fuse_unk", false);
  if (model.contains("unk_token") && model["unk_token"].is_string()) {
    auto it = t->vocab_.find(model["unk_token"].get<std::string>());
    if (it == t->vocab_.end()) bad(label, "unk_token '" + model["unk_token"].get<std::string>() + "' is not in the vocabulary");
    t->unk_ = it->second;
  }

  const auto& normalizer = tj.value("normalizer", nlohmann::json());
  const auto& pre = tj.value("pre_tokenizer", nlohmann::json());
  if (legacy_normalizer(normalizer, t->space_) && pre.is_null()) {
    t->prepend_ = true;
  } else if (normalizer.is_null() && pre.is_object() && pre.value("type", "") == "Metaspace" && !pre.value("split", true)) {
    t->space_ = pre.value("replacement", t->space_);
    // Hugging Face's replacement is one character (a Rust char); an empty one would make every
    // search for it match nothing and loop.
    if (t->space_.empty() || t->space_.size() > 4 || (static_cast<unsigned char>(t->space_[0]) < 0x80 && t->space_.size() > 1))
      bad(label, "pre_tokenizer.replacement must be a single character, got \"" + printable(excerpt(t->space_, 20)) + "\"");
    const std::string scheme = pre.value("prepend_scheme", pre.value("add_prefix_space", true) ? "always" : "never");
    t->prepend_ = scheme != "never";
  } else {
    bad(label, "unsupported normalizer / pre_tokenizer combination for a SentencePiece BPE model "
               "(expected Prepend+Replace of \"\u2581\" or a non-splitting Metaspace)");
  }

  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof name, "<0x%02X>", b);
    auto it = t->vocab_.find(name);
    t->byte_ids_[b] = it == t->vocab_.end() ? -1 : static_cast<int32_t>(it->second);
  }

  const auto& merges = model.value("merges", nlohmann::json::array());
  if (!merges.is_array()) bad(label, "model.merges is not an array");
  int32_t rank = 0;
  for (const auto& m : merges) {
    std::string a, b;
    if (m.is_string()) {
      if (!split_merge_line(m.get<std::string>(), a, b)) bad(label, "merge " + std::to_string(rank) + " is not \"left right\"");
    } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
      a = m[0].get<std::string>();
      b = m[1].get<std::string>();
    } else {
      bad(label, "merge " + std::to_string(rank) + " is neither \"left right\" nor [left, right]");
    }
    auto ia = t->vocab_.find(a), ib = t->vocab_.find(b), im = t->vocab_.find(a + b);
    if (ia == t->vocab_.end() || ib == t->vocab_.end() || im == t->vocab_.end())
      bad(label, "merge " + std::to_string(rank) + " ('" + a + "' + '" + b + "') uses or makes a token missing from the vocabulary");
    t->merges_.add(static_cast<int32_t>(ia->second), static_cast<int32_t>(ib->second), rank, static_cast<int32_t>(im->second));
    ++rank;
  }

  t->added_ = parse_added_tokens(tj, label);
  include_added(t->id_to_token_, t->added_);
  t->post_ = parse_post_processor(tj.value("post_processor", nlohmann::json()), t->vocab_, t->added_, label);
  return t;
}

std::vector<Token> SentencePieceBpe::tokenize_plain(std::string_view text) const {
  std::vector<Token> out;
  if (text.empty()) return out;
  // Initial symbols, each with the byte span of the input character it stands for.
  std::vector<int32_t> ids;
  std::vector<std::pair<size_t, size_t>> spans;
  auto push_char = [&](std::string_view ch, size_t b, size_t e) {
    auto it = vocab_.find(std::string(ch));
    if (it != vocab_.end()) {
      ids.push_back(static_cast<int32_t>(it->second));
      spans.emplace_back(b, e);
      return;
    }
    if (byte_fallback_) {
      bool all = true;
      for (unsigned char c : ch) all = all && byte_ids_[c] >= 0;
      if (all) {
        for (unsigned char c : ch) {
          ids.push_back(byte_ids_[c]);
          spans.emplace_back(b, e);
        }
        return;
      }
    }
    if (!unk_) fail(ErrorKind::Input, "character '" + std::string(ch) + "' is not in the vocabulary and the tokenizer has no <unk>");
    if (fuse_unk_ && !ids.empty() && ids.back() == static_cast<int32_t>(*unk_)) {
      spans.back().second = e;
      return;
    }
    ids.push_back(static_cast<int32_t>(*unk_));
    spans.emplace_back(b, e);
  };

  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t n = static_cast<int32_t>(text.size());
  int32_t i = 0;
  bool first = true;
  while (i < n) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (first && prepend_) push_char(space_, static_cast<size_t>(start), static_cast<size_t>(i));
    first = false;
    if (c == ' ') push_char(space_, static_cast<size_t>(start), static_cast<size_t>(i));
    else push_char(text.substr(static_cast<size_t>(start), static_cast<size_t>(i - start)), static_cast<size_t>(start), static_cast<size_t>(i));
  }

  for (const auto& sym : merges_.apply(ids)) {
    Token t;
    t.id = sym.id;
    t.text = token_text(sym.id);
    t.begin = spans[sym.first].first;
    t.end = spans[sym.last - 1].second;
    out.push_back(std::move(t));
  }
  return out;
}

std::string SentencePieceBpe::display(int64_t id) const {
  const std::string& t = token_text(id);
  unsigned b = 0;  // "<0xAB>": exactly two hex digits
  if (t.size() == 6 && t.rfind("<0x", 0) == 0 && t[5] == '>' && std::from_chars(t.data() + 3, t.data() + 5, b, 16).ptr == t.data() + 5) {
    if (b < 0x80) return std::string(1, static_cast<char>(b));
    return t;
  }
  std::string out;
  for (size_t p = 0; p < t.size();) {
    if (!space_.empty() && t.compare(p, space_.size(), space_) == 0) {
      out += ' ';
      p += space_.size();
    } else {
      out += t[p++];
    }
  }
  return out;
}

}  // namespace attnscope
