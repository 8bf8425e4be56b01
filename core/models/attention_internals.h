#pragma once

#include <cstdint>
#include <vector>

#include "core/common/tensor.h"

namespace attnscope {

// What one layer's self-attention computed, per head, kept when the layer is listed in
// ForwardOptions::capture_internals (off by default). With these and the scaling recorded beside
// them, explain_head() (core/analysis/head_steps.h) redoes one query's attention step by step.
//
// Layouts (row-major float32, S = seq_len, d = head_dim):
//   q        [num_heads,    S, d]  the queries as the scores use them: after the projection (and
//                                  bias) and, for Llama, after the rotary embedding; NOT scaled
//   k        [num_kv_heads, S, d]  the keys, likewise (after RoPE for Llama)
//   v        [num_kv_heads, S, d]  the values
//   context  [num_heads,    S, d]  Σ_j w_ij v_j per head, i.e. head h's slice of the
//                                  concatenated context before the output projection
// Grouped-query attention (Llama with num_key_value_heads < num_attention_heads): K and V keep
// their num_kv_heads heads; query head h reads key/value head kv_head(h) = h / (num_heads /
// num_kv_heads), e.g. stories260K (8 heads, 4 kv heads): heads 0,1 -> kv head 0, 2,3 -> 1, ...
// q.matrix(h), k.matrix(kv_head(h)), ... give the [S, d] matrix of one head.
// Memory: 4 S d (2 H + 2 Hkv) bytes per captured layer (bert-base at 512 tokens: 6.3 MB).
struct LayerInternals {
  int layer = -1;          // model layer
  int num_heads = 0;
  int num_kv_heads = 0;
  int head_dim = 0;
  int seq_len = 0;
  // The model's own scaling and masking of the scores (layers::AttentionParams):
  //   scores_ij = (q_i . k_j) / scale_divisor, or (q_i / scale_divisor) . k_j when
  //   scale_query_first (DistilBERT); scale_divisor is sqrt(d) for most models, sqrt(d) * (layer
  //   + 1) for GPT-2 with scale_attn_by_inverse_layer_idx, 1 for GPT-2 with scale_attn_weights off.
  float scale_divisor = 1;
  bool scale_query_first = false;
  bool causal = false;               // key j > query i excluded
  int window = 0;                    // > 0: key j <= query i - window excluded too (sliding window)
  float softcap = 0;                 // > 0: scaled scores soft-capped, cap * tanh(s / cap) (Gemma 2)
  std::vector<uint8_t> key_mask;     // [S] 0 = padding key (excluded), 1 = real; empty = all real
  Tensor position_bias;              // T5: [num_heads, S, S] added to the scaled scores; else empty
  Tensor q, k, v, context;

  int kv_head(int head) const { return head / (num_heads / num_kv_heads); }
  // Whether query i may attend to key j (causal and padding masks).
  bool allowed(int query, int key) const {
    return !(causal && key > query) && !(window > 0 && key <= query - window) &&
           (key_mask.empty() || key_mask[static_cast<size_t>(key)] != 0);
  }
};

// The captured layers of one forward pass, ascending by layer.
struct AttentionInternals {
  std::vector<LayerInternals> layers;

  bool empty() const { return layers.empty(); }
  bool has_layer(int layer) const { return find(layer) != nullptr; }
  // The captured layer, or nullptr.
  const LayerInternals* find(int layer) const;
  LayerInternals* find(int layer);
  // The captured layer; throws Error(Usage) "internals of layer N were not captured ...".
  const LayerInternals& layer(int layer) const;
  // One empty entry per requested layer (sorted, duplicates dropped; the tensors are filled by
  // layers::self_attention). Throws Error(Usage) for a layer outside [0, layers_total).
  void select(const std::vector<int>& capture, int layers_total);
};

}  // namespace attnscope
