// The four real tokenizers of the shared models (SentencePiece BPE, WordPiece, byte-level BPE
// for GPT-2 and RoBERTa) on arbitrary bytes. The first byte picks the tokenizer and the
// truncation limit; the rest is the text, split in two at its middle for pairs.
#include "tests/fuzz/fuzz_tokenizer.h"

using namespace attnscope;

namespace {

const std::vector<std::unique_ptr<Tokenizer>>& tokenizers() {
  static const auto all = [] {
    std::vector<std::unique_ptr<Tokenizer>> t;
    t.push_back(load_tokenizer(fuzz::shared_model("stories260K"), "llama"));
    t.push_back(load_tokenizer(fuzz::shared_model("bert-random"), "bert"));
    t.push_back(load_tokenizer(fuzz::shared_model("gpt2-random"), "gpt2"));
    t.push_back(load_tokenizer(fuzz::shared_model("roberta-random"), "roberta"));
    return t;
  }();
  return all;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  tokenizers();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const Tokenizer& tok = *tokenizers()[data[0] % 4];
  const size_t max_tokens = (data[0] >> 2) % 8;  // 0 = no limit, else 1..7
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const size_t half = text.size() / 2;
  fuzz::exercise(tok, text, {}, max_tokens);
  fuzz::exercise(tok, text.substr(0, half), text.substr(half), max_tokens);
  return 0;
}
