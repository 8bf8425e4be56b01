#pragma once

// Helpers shared by the tokenizer loaders: reading vocabularies and the parts of a Hugging Face
// tokenizer.json that every model type uses (added tokens, post-processor).

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/tokenizers/tokenizer.h"

namespace attnscope {

struct VocabHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using Vocab = std::unordered_map<std::string, int64_t, VocabHash, std::equal_to<>>;

// Token ids a file may use: [0, 2^21). The largest real vocabularies have ~262k entries; the
// id -> token table is sized by the largest id, so a bigger id would cost memory before any
// check against the model (Analyzer::open then requires every id below config.json's vocab_size).
inline constexpr int64_t kMaxTokenId = int64_t{1} << 21;
std::string token_id_range();  // "[0, 2097152)"

// model.vocab of a tokenizer.json / a vocab.json: {"token": id}. Ids must be unique and
// non-negative; fills `id_to_token` (holes stay empty). Throws Error(Model) naming `label`.
Vocab parse_vocab_object(const nlohmann::json& vocab, const std::string& label, std::vector<std::string>& id_to_token);

// "added_tokens" of a tokenizer.json.
std::vector<AddedToken> parse_added_tokens(const nlohmann::json& tokenizer_json, const std::string& label);

// "post_processor" of a tokenizer.json: TemplateProcessing, BertProcessing, RobertaProcessing,
// ByteLevel (adds nothing; trim_offsets) or null. Templates carry their tokens' ids.
PostProcessor parse_post_processor(const nlohmann::json& post, const std::string& label);

// A template "$CLS $A $SEP" style helper: special tokens around A (and B).
PostProcessor make_template(const std::vector<std::pair<std::string, int64_t>>& before_a,
                            const std::vector<std::pair<std::string, int64_t>>& after_a,
                            const std::vector<std::pair<std::string, int64_t>>& after_b, int type_b);

// Makes sure `id_to_token` covers the added tokens' ids.
void include_added(std::vector<std::string>& id_to_token, const std::vector<AddedToken>& added);

}  // namespace attnscope
