#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace attnscope {

// One token of an encoded input.
struct Token {
  int64_t id = 0;
  std::string text;     // the vocabulary entry: "##ing", "Ġworld", "▁the", "[CLS]"
  size_t begin = 0;     // UTF-8 byte span [begin, end) in the input text it came from;
  size_t end = 0;       //   begin == end for special tokens added by the template
  int sequence = 0;     // 0 = first text, 1 = second text (pairs), -1 = added special token
  int type_id = 0;      // segment id fed to the model (token_type_ids)
  bool special = false; // [CLS], [SEP], <s>, </s>, <|endoftext|>, [MASK], ...
};

struct Encoding {
  std::vector<Token> tokens;
  bool truncated = false;
  size_t untruncated_length = 0;  // tokens before truncation; 0 if only a prefix of a long text was tokenized

  std::vector<int64_t> ids() const;
  std::vector<int64_t> type_ids() const;
};

// A special token written literally in the text ("[MASK]", "<|endoftext|>") that is matched
// before the model's own tokenization, as Hugging Face's added tokens are.
struct AddedToken {
  std::string content;
  int64_t id = 0;
  bool lstrip = false;  // swallows the whitespace on its left (RoBERTa's <mask>)
  bool rstrip = false;  // swallows the whitespace on its right
  bool special = true;
};

// Where the template puts special tokens around one text or a pair: e.g. BERT
// single "[CLS] $A [SEP]", pair "[CLS] $A [SEP] $B [SEP]" with type ids 0 / 1.
struct TemplatePiece {
  enum Kind { Special, SequenceA, SequenceB } kind = Special;
  int64_t id = 0;        // Special only
  std::string text;      // Special only
  int type_id = 0;
};
// Each template holds its text(s) exactly once ($A; $A and $B): truncation relies on it.
struct PostProcessor {
  std::vector<TemplatePiece> single;
  std::vector<TemplatePiece> pair;  // empty: pairs unsupported
  size_t added_single() const;      // number of special tokens the template adds
  size_t added_pair() const;
};

// A tokenizer producing exactly Hugging Face's ids, with the character span of every token.
class Tokenizer {
 public:
  virtual ~Tokenizer() = default;

  // The model-specific tokenization of `text` (added tokens split out first), without the
  // template's special tokens. Offsets are byte offsets into `text`.
  std::vector<Token> tokenize(std::string_view text) const;
  // The first tokens of tokenize(text), at least `budget` of them if the text has that many,
  // tokenizing only as much of a long text as that takes. `whole` tells whether all was tokenized.
  // `first_length` (0: a default from the budget) is the first prefix tried, for tests.
  std::vector<Token> tokenize_prefix(std::string_view text, size_t budget, bool& whole, size_t first_length = 0) const;

  // text -> tokens with the template's special tokens. `max_tokens` (> 0) truncates the text
  // tokens so that the whole encoding fits, keeping the special tokens (longest-first for pairs).
  // Throws Error(Input) for invalid UTF-8.
  Encoding encode(std::string_view text, size_t max_tokens = 0) const;
  Encoding encode_pair(std::string_view a, std::string_view b, size_t max_tokens = 0) const;

  std::string kind() const { return kind_; }  // "WordPiece", "byte-level BPE", "SentencePiece BPE"
  int64_t vocab_size() const { return static_cast<int64_t>(id_to_token_.size()); }
  const std::string& token_text(int64_t id) const;
  std::optional<int64_t> token_id(const std::string& text) const;
  bool is_special(int64_t id) const;
  // A readable form of a vocabulary entry for display: "Ġworld" -> " world", "▁the" -> " the",
  // "<0x0A>" -> "\n" where the bytes form text.
  virtual std::string display(int64_t id) const;
  const PostProcessor& post_processor() const { return post_; }

 protected:
  // Tokenizes a stretch of text without added tokens; offsets relative to `text`.
  virtual std::vector<Token> tokenize_plain(std::string_view text) const = 0;

  std::string kind_;
  std::vector<std::string> id_to_token_;
  std::vector<AddedToken> added_;  // set by the loaders; matched through matcher_, built on first use
  PostProcessor post_;

 private:
  struct AddedMatcher {
    std::vector<int32_t> nodes;                     // index into added_ of the token ending here, or -1
    std::unordered_map<uint64_t, uint32_t> edges;   // (node << 8 | byte) -> child
    std::array<bool, 256> first{};                  // bytes an added token can start with
  };
  void build_added_matcher() const;
  mutable std::once_flag matcher_once_;
  mutable AddedMatcher matcher_;
};

// Finds the tokenizer of a model folder: tokenizer.json (WordPiece, byte-level BPE or
// SentencePiece-style BPE with byte fallback), else vocab.txt, else vocab.json + merges.txt.
// `model_type` picks the special-token template where the files do not say it. Throws Error(Model).
std::unique_ptr<Tokenizer> load_tokenizer(const std::filesystem::path& dir, const std::string& model_type);

// Checks that `text` is valid UTF-8; throws Error(Input) naming the offset of the first bad byte.
void require_utf8(std::string_view text, const std::string& what);

}  // namespace attnscope
