#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "core/tokenizers/normalized_string.h"

namespace attnscope {

// A tokenizer.json "normalizer": NFC, NFD, NFKC, NFKD, Lowercase, Strip, StripAccents, Replace,
// Prepend, BertNormalizer, Nmt and Sequence, each rewriting the text as Hugging Face's does.
class Normalizer {
 public:
  virtual ~Normalizer() = default;
  virtual void normalize(NormalizedString& s) const = 0;
};

// null -> nullptr. `where` names the value in errors ("tokenizer.json: normalizer").
std::unique_ptr<Normalizer> parse_normalizer(const nlohmann::json& j, const std::string& where);

// Character classes shared with the pre-tokenizers, as Rust's char methods define them.
bool is_rust_whitespace(char32_t c);   // White_Space
bool is_rust_alphanumeric(char32_t c); // Alphabetic or N*
bool is_bert_punctuation(char32_t c);  // ASCII punctuation or P*
bool is_punctuation_category(char32_t c);  // P*
bool is_rust_numeric(char32_t c);      // N*

}  // namespace attnscope
