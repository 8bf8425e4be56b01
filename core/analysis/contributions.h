#pragma once

#include <optional>

#include "core/common/tensor.h"
#include "core/models/attention_maps.h"
#include "core/models/model.h"

namespace attnscope {

// Token-to-token contributions through one attention block with its residual and layer norm:
// ALTI (Ferrando, Gállego & Costa-jussà, "Measuring the Mixing of Contextual Information in the
// Transformer", EMNLP 2022), as the LLM Transparency Tool applies it to pre-LN models.
//
// The block's output at position i is a sum of one vector per input token j:
//   z_ij = sum_h a^h_ij f^h(x_j) + [i = j] x_i,   f^h(x_j) = (x_j W_V^h + b_V^h) W_O^h
// (the values as the forward pass made them, x_i the stream entering the layer). Pre-LN models add
// it to the stream as it is: y~_ij = z_ij. Post-LN encoders normalise the sum; LayerNorm is linear
// in its input once its statistics are fixed, so each part is
//   y~_ij = gamma * (z_ij - mean(z_ij)) / sigma_i,   sigma_i = sqrt(var(sum_j z_ij + b_O) + eps)
// with sigma_i taken from the whole input, as the forward pass saw it. The biases (b_O, beta) belong
// to no token and are left out of y_i = sum_j y~_ij, as in ALTI's reference code. Then
//   c_ij = max(0, ||y_i||_1 - ||y_i - y~_ij||_1)   normalised so that each row sums to 1:
// a token contributes as much as the output moves away without it (Manhattan distance). Keys a
// query cannot see contribute exactly 0, so causal upper triangles stay 0.
//
// `values` [S, Hkv d] (capture point v), `output_weight` W_O [H d, D] (Model::
// attention_output_weight), `residual` [S, D] the stream entering the layer (hidden state l - 1),
// `post_norm` for post-LN encoders (Model::attention_post_norm). Error(Usage) naming the shapes.
RowMatrix alti_contributions(const AttentionMaps& attentions, int layer, const Tensor& values, const RowMatrix& output_weight,
                             int num_kv_heads, ConstMatrixMap residual, const std::optional<PostAttentionNorm>& post_norm);  // [S, S]

// ALTI's aggregation across layers: how much each input token contributes to the stream after
// layer l, R_l = C_l R_(l-1), R_0 = C_0 (the residual is already inside each C). Row-stochastic
// when each C is.
RowMatrix alti_aggregate(const RowMatrix& previous, const RowMatrix& layer);

}  // namespace attnscope
