#pragma once

#include <optional>
#include <filesystem>
#include <string>
#include <vector>

namespace attnscope {

class JsonObject;

enum class NormKind { LayerNorm, RmsNorm };
// Plain MLPs: down(act(up x)). Gated ones: down(act(gate x) * up x).
enum class MlpKind { Gelu, GeluTanh, Relu, SwiGlu, GeGlu };
enum class PositionKind { Learned, Rotary, RelativeBias };  // RelativeBias: T5's bucketed bias on the scores
enum class RopeScaling { None, Linear, Llama3 };

// Rotary position embeddings of one kind of layer (Hugging Face's rotate_half convention).
struct RopeParams {
  double theta = 10000.0;
  double fraction = 1.0;  // partial_rotary_factor: the first int(head_dim * fraction) dims rotate
  RopeScaling scaling = RopeScaling::None;
  double factor = 1.0;    // linear and llama3
  double low_freq_factor = 1.0, high_freq_factor = 4.0;  // llama3
  double original_max_positions = 8192;                  // llama3

  // The frequencies for a head of `head_dim`, in float32 as transformers computes them
  // (rotated_dims / 2 of them; Linear folds the factor in).
  std::vector<float> inverse_frequencies(int head_dim) const;
  int rotated_dims(int head_dim) const;
};

// What a transformer is, read once from config.json: drives the shared decoder runner
// (core/models/decoder.cpp) and the cost model (core/analysis/cost_model.h). Encoders, GPT-2 and
// ViT fill the parts that apply to them. Each family's reader supplies only what differs from
// the Llama defaults below.
struct Architecture {
  std::string family;  // model_type: llama, mistral, qwen2, qwen3, gemma2, gemma3_text, phi3, gpt2, bert, vit, ...

  int vocab_size = 0;
  int hidden_size = 0;
  int num_layers = 0;
  int num_heads = 0;
  int num_kv_heads = 0;    // < num_heads: grouped-query attention
  int head_dim = 0;        // may differ from hidden_size / num_heads (Qwen 3, Gemma)
  int intermediate_size = 0;
  int max_positions = 0;

  NormKind norm = NormKind::RmsNorm;
  float norm_eps = 1e-6f;
  float norm_offset = 0;   // Gemma: the weights are stored as an offset from 1, scale = (1 + w)
  bool sandwich_norms = false;  // Gemma: post-attention and post-feed-forward norms as well

  MlpKind mlp = MlpKind::SwiGlu;
  bool fused_qkv = false;       // Phi-3 qkv_proj
  bool fused_gate_up = false;   // Phi-3 gate_up_proj
  bool qkv_bias = false;        // Qwen 2, attention_bias
  bool output_bias = false;     // attention_bias on o_proj (Llama with attention_bias)
  bool qk_norm = false;         // Qwen 3, Gemma 3: RMSNorm over each head's q and k, before RoPE

  PositionKind positions = PositionKind::Rotary;
  RopeParams rope;                       // global layers (all layers when no local_rope)
  std::optional<RopeParams> local_rope;  // Gemma 3: sliding layers use their own base

  // Per layer: 0 = global attention, W > 0 = a sliding window of W keys including the query
  // (query i sees keys i-W+1 .. i).
  std::vector<int> window;

  float query_scale = 0;        // scores = (q . k) * query_scale; 0 = head_dim^-0.5
  float attn_softcap = 0;       // Gemma 2: s = cap * tanh(s / cap) before the mask; 0 = none
  float final_softcap = 0;      // Gemma 2: logits = cap * tanh(logits / cap); 0 = none
  float embedding_scale = 1;    // Gemma: sqrt(hidden_size), rounded to the weights' dtype
  bool tied_output = false;     // lm_head is the embedding table
  bool causal = true;

  bool sliding(int layer) const { return window.at(static_cast<size_t>(layer)) > 0; }
  int kv_head(int head) const { return head / (num_heads / num_kv_heads); }
  // The divisor the attention code uses: scores = q . k / divisor.
  float scale_divisor() const;
  bool gated_mlp() const { return mlp == MlpKind::SwiGlu || mlp == MlpKind::GeGlu; }
  // Keys a query at position `query` of `seq_len` attends to in `layer`.
  int attended_keys(int layer, int query, int seq_len) const;
  // Every layer global: the descriptor of a model without sliding windows.
  void set_global_attention() { window.assign(static_cast<size_t>(num_layers), 0); }
};

// BERT, GPT-2, ViT: LayerNorm, a plain MLP, learned positions, biases, every layer global
// (vocab_size and max_positions are left for the caller).
Architecture learned_position_architecture(const std::string& family, int layers, int hidden, int heads, int intermediate,
                                           float eps, MlpKind mlp, bool causal);

// The decoder-only families the shared runner runs, sorted.
std::vector<std::string> decoder_families();
bool is_decoder_family(const std::string& model_type);

// Reads the descriptor of a decoder LLM from its config.json (both the classic top-level rope keys
// and transformers v5's rope_parameters). Throws Error(Model) naming the key at fault.
Architecture read_decoder_architecture(const JsonObject& config);

// The ids generation stops after: generation_config.json's eos_token_id in `dir` when it has one
// (chat models list several there), else config.json's; one id or a list, ids in [0, vocab).
// Empty when neither says. Throws Error(Model) naming the file and key for anything else.
std::vector<int64_t> read_eos_ids(const JsonObject& config, const std::filesystem::path& dir, int64_t vocab_size);

const char* to_string(MlpKind kind);

}  // namespace attnscope
