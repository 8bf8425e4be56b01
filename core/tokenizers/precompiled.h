#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "core/tokenizers/normalizers.h"

namespace attnscope {

// SentencePiece's precompiled_charsmap normalizer (T5, ALBERT, XLM-R files): a darts-clone double
// array over UTF-8 keys with their replacements, applied grapheme by grapheme as Hugging Face's
// spm_precompiled does (a grapheme under 6 bytes is looked up whole, else each character).
std::unique_ptr<Normalizer> parse_precompiled(const nlohmann::json& j, const std::string& where);

}  // namespace attnscope
