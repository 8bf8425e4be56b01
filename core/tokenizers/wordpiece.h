#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "core/tokenizers/tokenizer.h"
#include "core/tokenizers/tokenizer_files.h"

namespace attnscope {

// BERT's WordPiece, as Hugging Face's BertTokenizer (BasicTokenizer + WordpieceTokenizer) and
// the tokenizer.json form (BertNormalizer + BertPreTokenizer + WordPiece model):
//   1. clean: drop U+0000, U+FFFD and category C* except \t \n \r; whitespace becomes a break;
//   2. every CJK ideograph is a word of its own;
//   3. per whitespace word: lowercase (full mapping with final sigma, as Python's str.lower),
//      then NFD and drop Mn (strip accents: follows lowercase unless set);
//   4. every punctuation character (ASCII 33-47, 58-64, 91-96, 123-126 or category P*) is a
//      word of its own;
//   5. greedy longest-match-first against the vocabulary, continuation pieces prefixed "##";
//      a word longer than max_input_chars_per_word or without a full segmentation is [UNK].
// Every output character keeps the input character it came from, so token spans are byte
// ranges of the original text.
class WordPiece final : public Tokenizer {
 public:
  // A tokenizer.json whose model.type is "WordPiece". `label` names the file in errors.
  static std::unique_ptr<Tokenizer> from_tokenizer_json(const nlohmann::json& tj, const std::string& label);
  // A folder with vocab.txt and optionally tokenizer_config.json / special_tokens_map.json.
  static std::unique_ptr<Tokenizer> from_vocab_folder(const std::filesystem::path& dir);

 protected:
  std::vector<Token> tokenize_plain(std::string_view text) const override;

 private:
  struct Normalization {
    bool clean_text = true;
    bool chinese_chars = true;
    bool lowercase = true;
    bool strip_accents = true;
  };
  struct Scratch;  // per-call buffers, reused from word to word

  WordPiece() = default;
  void finish(const std::string& label);
  void tokenize_word(Scratch& s, std::vector<Token>& out) const;
  void wordpiece(Scratch& s, size_t first, size_t last, std::vector<Token>& out) const;

  Vocab vocab_;
  Normalization norm_;
  std::string unk_token_ = "[UNK]";
  int64_t unk_id_ = 0;
  std::string prefix_ = "##";
  // Longer words are [UNK] without being looked at; Hugging Face's default is 100. A larger
  // setting in a file is refused: matching a word costs up to its length times the longest entry.
  static constexpr size_t kMaxWordChars = 1000;
  size_t max_chars_ = 100;
  // The vocabulary as a byte trie, so the longest entry at a position is found in one walk over
  // the text (at most as long as that entry) instead of one hash lookup per candidate length,
  // which is quadratic in the entry length. Node 0 is the root; continuation pieces start at
  // the node reached by prefix_ ("##").
  struct TrieNode {
    int64_t id = -1;  // vocabulary id of the entry ending here, or -1
  };
  std::vector<TrieNode> trie_;
  std::unordered_map<uint64_t, uint32_t> trie_edges_;  // (node << 8 | byte) -> child
  uint32_t continuation_root_ = 0;                      // 0 with id -1 everywhere if "##" is absent
  bool has_continuation_root_ = false;
  void build_trie();
  uint32_t trie_child(uint32_t node, unsigned char byte) const;  // 0 = none (the root is never a child)
};

}  // namespace attnscope
