// A BERT-style vocabulary folder on arbitrary bytes: vocab.txt, then optionally (after NUL
// bytes) tokenizer_config.json and special_tokens_map.json, through load_tokenizer(); then the
// loaded WordPiece tokenizer on a fixed text.
#include "tests/fuzz/fuzz_tokenizer.h"

using namespace attnscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::load_and_exercise("vocab_txt", fuzz::split_nul(data, size, 3), {"vocab.txt", "tokenizer_config.json", "special_tokens_map.json"},
                          "bert");
  return 0;
}
