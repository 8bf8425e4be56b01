#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/common/tensor.h"

namespace attnscope {

// The named capture points of a forward pass, as llama.cpp's cb(cur, name, il): every model
// announces these tensors by name and layer, in this order within a layer, and callers subscribe
// to the ones they want (ForwardOptions::taps). S = tokens, D = hidden size, H / Hkv = query /
// key-value heads, d = head_dim.
//   attn_in    [S, D]      the attention block's input (after its norm; post-LN encoders: the stream)
//   v          [S, Hkv d]  values (announced first: the projections end here)
//   q          [S, H d]    queries after q/k-norm and rotary embeddings, unscaled
//   k          [S, Hkv d]  keys after q/k-norm and rotary embeddings
//   attn_scores [H, S, S]  scaled (and soft-capped) scores; masked keys -inf
//   attn_probs [H, S, S]   softmax of the scores (masked keys exactly 0)
//   ctx        [S, H d]    Σ_j p_ij v_j per head, before the output projection
//   attn_out   [S, D]      the output projection (after Gemma's post-attention norm)
//   resid      [S, D]      the stream after the attention residual (post-LN: after its norm)
//   mlp_in     [S, D]      the MLP's input (after its norm)
//   mlp_out    [S, D]      the MLP's output (after Gemma's post-feed-forward norm)
//   hidden     [S, D]      the layer's output; layer -1 = the embeddings
enum class Tap : uint8_t { AttnIn, V, Q, K, AttnScores, AttnProbs, Ctx, AttnOut, Resid, MlpIn, MlpOut, Hidden };
constexpr int kTapCount = 12;

const char* to_string(Tap tap);
std::optional<Tap> parse_tap(const std::string& name);
std::string tap_names();  // "attn_in, v, q, ..." for messages

// Subscribe to one capture point on some layers (empty = all; hidden: -1 is the embeddings).
struct TapRequest {
  Tap tap = Tap::Hidden;
  std::vector<int> layers;
};

struct TappedTensor {
  Tap tap = Tap::Hidden;
  int layer = 0;
  Tensor value;  // shapes as listed above
};

}  // namespace attnscope
