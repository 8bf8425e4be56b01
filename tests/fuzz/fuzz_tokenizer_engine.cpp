// The tokenizer.json engine on an arbitrary pipeline and an arbitrary text: the input is a
// tokenizer.json, a NUL byte, then the text to encode. A broken file may only give Error(Model);
// a text may only give Error(Input) (invalid UTF-8, a pattern that takes too long); every
// encoding keeps its ids in the vocabulary and its spans in its text.
#include "core/io/json_file.h"
#include "tests/fuzz/fuzz_tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace attnscope;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nul = input.find('\0');
  const std::string_view json = input.substr(0, nul);
  const std::string_view text = nul == std::string_view::npos ? std::string_view("Hello world") : input.substr(nul + 1);
  std::unique_ptr<Tokenizer> tok;
  fuzz::expect_only(ErrorKind::Model, [&] { tok = Tokenizer::from_json(parse_json_bounded(json, "tokenizer.json"), "tokenizer.json"); });
  if (!tok) return 0;
  fuzz::exercise(*tok, text, text.substr(0, text.size() / 2), 0);
  fuzz::exercise(*tok, text, "b", 3);
  fuzz::expect_only(ErrorKind::Input, [&] {
    require_utf8(text, "text");
    const auto tokens = tok->tokenize(text);
    (void)tok->display_tokens(tokens);
    std::vector<int64_t> ids;
    for (const auto& t : tokens) ids.push_back(t.id);
    (void)tok->decode(ids);
  });
  return 0;
}
