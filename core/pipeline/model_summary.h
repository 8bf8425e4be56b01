#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/common/text.h"  // human_bytes
#include "core/models/model.h"

namespace attnscope {

// The facts `attnscope-cli info` and the GUI's model list show, as JSON and as aligned text.
nlohmann::ordered_json model_summary_json(const ModelInfo& info, const std::string& tokenizer_kind);
std::string model_summary_text(const ModelInfo& info, const std::string& tokenizer_kind);

// "1.0 MB", "261 K" -- for people, not for parsing.
std::string human_count(int64_t n);

}  // namespace attnscope
