#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

namespace attnscope {

// One token of an encoded input.
struct Token {
  int64_t id = 0;
  std::string text;     // HF's token string: the vocabulary entry ("##ing", "Ġworld", "▁the", "[CLS]"); an
                        //   added token with lstrip / rstrip includes the whitespace it took
  size_t begin = 0;     // UTF-8 byte span [begin, end) in the input text it came from;
  size_t end = 0;       //   begin == end for special tokens added by the template
  int sequence = 0;     // 0 = first text, 1 = second text (pairs), -1 = added special token
  int type_id = 0;      // segment id fed to the model (token_type_ids)
  int word = -1;        // HF's word id: the index of the pre-tokenized piece it came from in its text
                        //   (-1 for special tokens added by the template)
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
  bool single_word = false;  // matched only between non-word characters
  bool normalized = false;   // matched in the normalized text rather than the original
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
  // ByteLevel / RobertaProcessing trim_offsets: spans leave out the spaces a token starts or ends with.
  bool trim_offsets = false;
  bool trim_add_prefix_space = false;
};

class Normalizer;
class PreTokenizer;
class TokenModel;
class Decoder;

// A tokenizer producing exactly Hugging Face's ids, with the character span of every token: the
// tokenizer.json pipeline (added tokens, normalizer, pre-tokenizer, model, post-processor, decoder)
// run as Hugging Face's tokenizers library runs it. The older file forms (vocab.txt;
// vocab.json + merges.txt) are read as the tokenizer.json Hugging Face converts them to.
class Tokenizer {
 public:
  // `tokenizer_json` is the parsed file; `label` names it in errors; `config` is the folder's
  // tokenizer_config.json (or null), for add_bos_token / add_eos_token.
  static std::unique_ptr<Tokenizer> from_json(const nlohmann::json& tokenizer_json, const std::string& label,
                                              const nlohmann::json& config = nlohmann::json());
  ~Tokenizer();

  // The tokenization of `text` (added tokens split out first), without the template's special
  // tokens. Offsets are byte offsets into `text`.
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

  // "WordPiece", "byte-level BPE", "SentencePiece BPE", "BPE", "Unigram", "WordLevel"
  std::string kind() const { return kind_; }
  int64_t vocab_size() const { return static_cast<int64_t>(id_to_token_.size()); }
  const std::string& token_text(int64_t id) const;
  std::optional<int64_t> token_id(const std::string& text) const;
  bool is_special(int64_t id) const;
  // A readable form of one vocabulary entry through the decoder: "Ġworld" -> " world",
  // "▁the" -> " the", "<0x0A>" -> "\n"; bytes that are not UTF-8 on their own as <0xXX>.
  std::string display(int64_t id) const;
  // Readable forms of a token sequence: as display(), except that tokens holding the bytes of
  // one character between them (byte fallback, or a byte-level split inside a character) show
  // that character, numbered when neighbours would look alike: "🐱 (1/4)" ... "🐱 (4/4)".
  std::vector<std::string> display_tokens(const std::vector<Token>& tokens) const;
  // The text of a token sequence through the decoder (HF's decode).
  std::string decode(const std::vector<int64_t>& ids, bool skip_special = true) const;
  const PostProcessor& post_processor() const { return post_; }

 private:
  Tokenizer();
  struct Pipeline;
  std::unique_ptr<Pipeline> p_;
  std::string kind_;
  std::vector<std::string> id_to_token_;
  std::vector<AddedToken> added_;
  PostProcessor post_;
  const AddedToken* added_token(int64_t id) const;  // the first added token with this id, if any
  // The bytes a token stands for, when it is a byte-level or byte-fallback token.
  std::optional<std::string> token_bytes(int64_t id) const;
};

// Finds the tokenizer of a model folder: tokenizer.json, else vocab.txt (BERT's WordPiece), else
// vocab.json + merges.txt (GPT-2's byte-level BPE).
// `model_type` picks the special-token template where the files do not say it. Throws Error(Model).
std::unique_ptr<Tokenizer> load_tokenizer(const std::filesystem::path& dir, const std::string& model_type);
// One tokenizer.json file on its own (attnscope-cli tokenize --tokenizer FILE).
std::unique_ptr<Tokenizer> load_tokenizer_file(const std::filesystem::path& tokenizer_json);
// The older file forms on their own: vocab.txt (+ tokenizer_config.json, special_tokens_map.json)
// of a folder, and vocab.json + merges.txt.
std::unique_ptr<Tokenizer> load_vocab_txt(const std::filesystem::path& dir);
std::unique_ptr<Tokenizer> load_vocab_merges(const std::filesystem::path& vocab_json, const std::filesystem::path& merges_txt,
                                             const std::string& model_type, bool add_prefix_space = false);
// The tokenizer.json that Hugging Face's converters make from the older files.
nlohmann::json tokenizer_json_from_vocab_txt(const std::filesystem::path& dir);
nlohmann::json tokenizer_json_from_vocab_merges(const std::filesystem::path& vocab_json, const std::filesystem::path& merges_txt,
                                                const std::string& model_type, bool add_prefix_space);

// Checks that `text` is valid UTF-8; throws Error(Input) naming the offset of the first bad byte.
void require_utf8(std::string_view text, const std::string& what);

}  // namespace attnscope
