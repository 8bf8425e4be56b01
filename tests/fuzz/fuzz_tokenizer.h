#pragma once

// Runs a loaded tokenizer on a text and checks what every caller relies on: ids inside the
// vocabulary, spans inside the text they came from, truncation to the limit.
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/tokenizers/tokenizer.h"
#include "tests/fuzz/fuzz_support.h"

namespace attnscope::fuzz {

inline void check_encoding(const Tokenizer& tok, const Encoding& enc, std::string_view a, std::string_view b, size_t max_tokens,
                           size_t added) {
  for (const Token& t : enc.tokens) {
    if (t.id < 0 || t.id >= tok.vocab_size()) finding("token id " + std::to_string(t.id) + " outside the vocabulary");
    const size_t len = t.sequence == 0 ? a.size() : t.sequence == 1 ? b.size() : 0;
    if (t.begin > t.end || t.end > len) finding("token span [" + std::to_string(t.begin) + "," + std::to_string(t.end) + ") outside its text");
    (void)tok.display(t.id);
    (void)tok.is_special(t.id);
  }
  if (max_tokens > 0 && enc.tokens.size() > std::max(max_tokens, added))
    finding(std::to_string(enc.tokens.size()) + " tokens after truncation to " + std::to_string(max_tokens));
}

// Encodes `a` (and the pair a, b when the tokenizer has a pair template), whole and truncated.
// Invalid UTF-8 is an Error(Input); nothing else may go wrong.
inline void exercise(const Tokenizer& tok, std::string_view a, std::string_view b, size_t max_tokens) {
  expect_only(ErrorKind::Input, [&] {
    check_encoding(tok, tok.encode(a, max_tokens), a, {}, max_tokens, tok.post_processor().added_single());
  });
  if (tok.post_processor().pair.empty()) return;
  expect_only(ErrorKind::Input, [&] {
    check_encoding(tok, tok.encode_pair(a, b, max_tokens), a, b, max_tokens, tok.post_processor().added_pair());
  });
}

// A loader's result on a fixed text with ASCII, accents, CJK, emoji, control characters and
// the usual literal special tokens; then every id's display form (small vocabularies only).
inline void exercise_loaded(const Tokenizer& tok) {
  static const std::string text =
      "Hello, world! It's 2024 -- na\xC3\xAFve caf\xC3\xA9 \xE4\xBD\xA0\xE5\xA5\xBD \xF0\x9F\x98\x80\t\r\n"
      "[CLS] [MASK] <s> </s> <mask> <|endoftext|> <unk> \xE2\x96\x81x ##ing \xC4\xA0x <0x41>";
  exercise(tok, text, "second text", 0);
  exercise(tok, text, "second text", 5);
  if (tok.vocab_size() <= 4096)
    for (int64_t id = 0; id < tok.vocab_size(); ++id) (void)tok.display(id);
}

// A tokenizer folder from fuzz input: `parts[i]` is written to `dir`/`names[i]`, and the files of
// missing parts are removed. Then load_tokenizer(dir, model_type), for which Error(Model) is the
// only accepted failure, and the loaded tokenizer through exercise_loaded().
inline void load_and_exercise(const std::string& folder, const std::vector<std::string_view>& parts,
                              const std::vector<const char*>& names, const std::string& model_type) {
  const auto dir = scratch_dir() / folder;
  std::filesystem::create_directories(dir);
  for (size_t i = 0; i < names.size(); ++i) {
    std::error_code ec;
    if (i < parts.size()) write_file(dir / names[i], parts[i]);
    else std::filesystem::remove(dir / names[i], ec);
  }
  std::unique_ptr<Tokenizer> tok;
  try {
    tok = load_tokenizer(dir, model_type);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::Model) finding(std::string("load_tokenizer threw ") + to_string(e.kind()) + ": " + e.what());
    return;
  }
  exercise_loaded(*tok);
}

}  // namespace attnscope::fuzz
