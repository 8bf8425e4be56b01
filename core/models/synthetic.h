#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/models/model.h"

namespace attnscope {

// Random-weight models of real shapes, built in memory for benchmarks: the config.json of the
// real checkpoint and weights generated on request (SyntheticWeights, checkpoint.h), so the
// forward pass does exactly the work of the real model without any file. Base models (no task
// head), as Hugging Face's *Model classes:
//   bert-base     BertModel, 12 layers x 768, 12 heads, 3072 MLP (bert-base-uncased)
//   bert-tiny     BertModel, 2 layers x 128, 2 heads, 512 MLP (google/bert_uncased_L-2_H-128_A-2)
//   vit-base-16   ViTModel, 224x224, 16x16 patches, 12 layers x 768, 12 heads (google/vit-base-patch16-224)
//   vit-tiny-16   ViTModel, 224x224, 16x16 patches, 12 layers x 192, 3 heads (vit-tiny-patch16-224)
//   gpt2-small    GPT2Model, 12 layers x 768, 12 heads, 1024 positions (gpt2)
//   llama-small   LlamaForCausalLM, 16 layers x 2048, 32 heads, 8 kv heads, 8192 MLP, tied
//                 embeddings (the shape of Llama 3.2 1B with a 32000-token vocabulary)
//   qwen2.5-0.5b  Qwen2ForCausalLM, 24 layers x 896, 14 heads, 2 kv heads, q/k/v biases, tied (Qwen/Qwen2.5-0.5B)
//   gemma3-1b     Gemma3ForCausalLM, 26 layers x 1152, 4 heads of 256, 1 kv head, 5 of 6 layers sliding
//                 (window 512), 262144-token vocabulary, tied (google/gemma-3-1b-pt)
//   smollm-135m   LlamaForCausalLM, 30 layers x 576, 9 heads, 3 kv heads, tied (HuggingFaceTB/SmolLM-135M)
//   tinyllama-1.1b LlamaForCausalLM, 22 layers x 2048, 32 heads, 4 kv heads (TinyLlama-1.1B-Chat-v1.0)
std::vector<std::string> synthetic_model_names();

// The config.json of a synthetic model. Throws Error(Usage) naming the known ones.
nlohmann::json synthetic_config(const std::string& name);

// Builds the model; `seed` picks the weights; `bf16`: the matrices a decoder LLM keeps compact
// (WeightStore::get_matrix) are generated as bfloat16, as a BF16 checkpoint stores them.
// ModelInfo::dir is "synthetic:<name>".
std::unique_ptr<Model> load_synthetic_model(const std::string& name, uint64_t seed = 0, bool bf16 = false);

}  // namespace attnscope
