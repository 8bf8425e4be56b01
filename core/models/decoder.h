#pragma once

#include <memory>

#include "core/models/model.h"

namespace attnscope {

// Decoder-only LLMs on one runner, driven by the Architecture descriptor (architecture.h):
// Llama (2, 3.x; SmolLM, TinyLlama), Mistral, Qwen 2 / 2.5 / 3, Gemma 2 / 3 (text), Phi-3.
std::unique_ptr<Model> load_decoder(const CheckpointFiles& files, const JsonObject& config);

}  // namespace attnscope
