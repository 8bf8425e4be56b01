// tokenizer.json on arbitrary bytes, through load_tokenizer() as a model folder holding only
// that file: JSON, the model-type dispatch, the WordPiece / byte-level BPE / SentencePiece BPE
// loaders, added tokens and post-processors; then the loaded tokenizer on a fixed text.
#include "tests/fuzz/fuzz_tokenizer.h"

using namespace attnscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::load_and_exercise("tokenizer_json", {std::string_view(reinterpret_cast<const char*>(data), size)}, {"tokenizer.json"}, "llama");
  return 0;
}
