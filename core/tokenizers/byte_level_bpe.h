#pragma once

#include <array>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/tokenizers/bpe_merges.h"
#include "core/tokenizers/tokenizer.h"
#include "core/tokenizers/tokenizer_files.h"

namespace attnscope {

// GPT-2's byte-level BPE, as Hugging Face runs it for GPT-2, RoBERTa, BART, ...:
//   1. (optionally) prepend " " when the text does not start with one (add_prefix_space);
//   2. split with GPT-2's regex (contractions, letter runs, number runs, other runs, spaces);
//   3. map every UTF-8 byte of a piece to one printable character (bytes_to_unicode: space -> "Ġ");
//   4. merge by rank (lowest first, leftmost on ties) until no listed pair remains.
// Every initial symbol is one input byte, so each token's span is exactly the bytes it encodes.
class ByteLevelBpe final : public Tokenizer {
 public:
  struct FileOptions {
    std::string model_type;        // "roberta" (also bart, longformer): <s> A </s> and RoBERTa's specials
    bool add_prefix_space = false;
  };

  ~ByteLevelBpe() override;

  // tokenizer.json with a BPE model and a ByteLevel pre-tokenizer (alone or in a Sequence).
  static std::unique_ptr<Tokenizer> from_tokenizer_json(const nlohmann::json& tj, const std::string& label);
  // vocab.json + merges.txt (the slow-tokenizer files); the special tokens follow the model type.
  static std::unique_ptr<Tokenizer> from_vocab_merges(const std::filesystem::path& vocab_json,
                                                      const std::filesystem::path& merges_txt, const FileOptions& options);
  // vocab.json + merges.txt of a model folder; add_prefix_space from its tokenizer_config.json.
  static std::unique_ptr<Tokenizer> from_folder(const std::filesystem::path& dir, const std::string& model_type);
  // The token's bytes as UTF-8 ("Ġworld" -> " world"); bytes of an incomplete UTF-8 sequence
  // are shown as <0xXX>.
  std::string display(int64_t id) const override;

 protected:
  std::vector<Token> tokenize_plain(std::string_view text) const override;

 private:
  ByteLevelBpe();
  void set_byte_ids(const std::string& label);
  void add_merge(const std::string& left, const std::string& right, int32_t rank, const std::string& where);
  struct Piece;
  void bpe(std::string_view bytes, std::vector<Piece>& out) const;

  struct Regex;  // ICU's compiled pre-tokenizer pattern (kept out of this header)
  std::unique_ptr<Regex> regex_;
  Vocab vocab_;
  BpeMerges merges_;
  bool add_prefix_space_ = false;
  bool use_regex_ = true;
  bool ignore_merges_ = false;
  bool fuse_unk_ = false;
  std::optional<int32_t> unk_;
  std::array<int32_t, 256> byte_ids_{};  // vocabulary id of each byte's character, -1 if absent
};

}  // namespace attnscope
