#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/tokenizers/bpe_merges.h"
#include "core/tokenizers/pre_tokenizers.h"
#include "core/tokenizers/tokenizer_files.h"

namespace attnscope {

// Per-encode scratch a model may use (BPE caches words), so that one model serves threads at once.
struct ModelScratch {
  std::unordered_map<std::string, std::vector<ModelToken>, VocabHash, std::equal_to<>> cache;
};

// A tokenizer.json "model": BPE, WordPiece, Unigram or WordLevel. It cuts one pre-tokenized word
// into vocabulary entries, each with its byte span in the word.
class TokenModel {
 public:
  virtual ~TokenModel() = default;
  virtual void tokenize(std::string_view word, std::vector<ModelToken>& out, ModelScratch& scratch) const = 0;
  virtual std::string type() const = 0;
  virtual bool byte_fallback() const { return false; }

  const std::vector<std::string>& id_to_token() const { return id_to_token_; }
  std::optional<int64_t> id_of(std::string_view token) const;

 protected:
  Vocab vocab_;
  std::vector<std::string> id_to_token_;
};

// `where` names the value in errors ("tokenizer.json: model").
std::unique_ptr<TokenModel> parse_model(const nlohmann::json& j, const std::string& where);

}  // namespace attnscope
