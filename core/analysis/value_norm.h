#pragma once

#include "core/common/tensor.h"
#include "core/models/attention_maps.h"

namespace attnscope {

// Value-weighted attention norms (Kobayashi, Kuribayashi, Yokoi & Inui, "Attention is Not Only a
// Weight: Analyzing Transformers with Vector Norms", EMNLP 2020, section 3). Head h adds to token
// i's stream  sum_j a^h_ij f^h(x_j),  f^h(x_j) = (x_j W_V^h + b_V^h) W_O^h : token j's value
// vector (as the forward pass made it, its bias included) through head h's rows of the output
// projection. The output bias b_O is added once per token whatever it attends to, so it is left
// out, as in the paper. Then
//   per head   N^h_ij = || a^h_ij f^h(x_j) || = a^h_ij || f^h(x_j) ||
//   per layer  N_ij   = || sum_h a^h_ij f^h(x_j) ||   (the norm of the sum over heads)
// Rows do not sum to 1: a token whose transformed value is short moves little however much it
// is attended to. Keys a query cannot see (a^h_ij = 0) stay exactly 0.
struct ValueNorms {
  Tensor heads;  // [H, S, S]  N^h
  Tensor layer;  // [S, S]     N
};

// `attentions` must hold `layer`; `values` is that layer's v [S, Hkv d] (capture point Tap::V)
// and `output_weight` its W_O [H d, D] (Model::attention_output_weight). Grouped-query attention:
// head h reads value head h / (H / Hkv). Throws Error(Usage) naming the shapes found and expected.
ValueNorms value_norms(const AttentionMaps& attentions, int layer, const Tensor& values, const RowMatrix& output_weight,
                       int num_kv_heads);

}  // namespace attnscope
