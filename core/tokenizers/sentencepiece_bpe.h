#pragma once

#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/tokenizers/bpe_merges.h"
#include "core/tokenizers/tokenizer.h"
#include "core/tokenizers/tokenizer_files.h"

namespace attnscope {

// SentencePiece-style BPE as Hugging Face exports it for Llama ("legacy" LlamaTokenizer):
//   1. normalise: prepend "▁" to non-empty text and replace every " " by "▁";
//   2. split into characters; a character not in the vocabulary becomes one <0xXX> token per
//      UTF-8 byte (byte fallback), or <unk> without byte fallback;
//   3. merge by rank (lowest first, leftmost on ties) until no listed pair remains.
// Accepts both the normalizer form (Prepend + Replace) and the Metaspace pre-tokenizer form.
class SentencePieceBpe final : public Tokenizer {
 public:
  static std::unique_ptr<Tokenizer> from_tokenizer_json(const nlohmann::json& tj, const std::string& label);
  std::string display(int64_t id) const override;

 protected:
  std::vector<Token> tokenize_plain(std::string_view text) const override;

 private:
  SentencePieceBpe() = default;
  Vocab vocab_;
  BpeMerges merges_;
  std::string space_ = "\xE2\x96\x81";  // U+2581
  bool prepend_ = true;
  bool byte_fallback_ = true;
  bool fuse_unk_ = true;
  std::optional<int64_t> unk_;
  int32_t byte_ids_[256];
};

}  // namespace attnscope
