// A GPT-2 / RoBERTa slow-tokenizer folder on arbitrary bytes: vocab.json, NUL, merges.txt, and
// optionally NUL and tokenizer_config.json, through load_tokenizer() (model type gpt2 for inputs
// of even length, roberta for odd); then the loaded byte-level BPE on a fixed text.
#include "tests/fuzz/fuzz_tokenizer.h"

using namespace attnscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto parts = fuzz::split_nul(data, size, 3);
  if (parts.size() < 2) return 0;  // both files are needed to get past the folder lookup
  fuzz::load_and_exercise("vocab_merges", parts, {"vocab.json", "merges.txt", "tokenizer_config.json"}, size % 2 ? "roberta" : "gpt2");
  return 0;
}
