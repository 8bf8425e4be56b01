#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/common/progress.h"
#include "core/models/model.h"
#include "core/models/profile.h"
#include "core/tokenizers/tokenizer.h"

namespace attnscope {

// What attention costs: an analytic count of the FLOPs and bytes of every part of a layer
// (LayerPart, core/models/profile.h) at sequence length n, and measured profiles of real runs
// at increasing generated lengths.
//
// Counting rules (n tokens, D hidden, H heads, Hkv key/value heads, d head_dim, F intermediate;
// one multiply-add = 2 FLOPs; float32 = 4 bytes; biases and norm weights, under 1% of the work,
// are not counted). The attention parts are counted dense, as computed here: the full n x n
// scores even for causal models (a causal kernel could skip about half). A sliding-window layer
// of W keys counts n x min(n, W) scores instead of n x n (written n^2 below): its band.
//   part               FLOPs                              weights read   activations read+written
//   QkvProjection      2 n D (H d + 2 Hkv d)              D (H+2Hkv) d   n (D + H d + 2 Hkv d)
//   Scores             2 H n^2 d                          0              n H d + n Hkv d + H n^2
//   Softmax            6 H n^2 (per score: scale, max,    0              2 H n^2
//                      subtract, exp, sum, normalise;
//                      exp counted as one op)
//   WeightedSum        2 H n^2 d                          0              H n^2 + n Hkv d + n H d
//   OutputProjection   2 n H d D                          H d D          n (H d + D)
//   Mlp  GELU/ReLU     4 n D F + n F (activation: 1 op)   2 D F          2 n D + 4 n F
//        SwiGLU        6 n D F + 2 n F (silu, gate mult)  3 D F          2 n D + 8 n F
//   Other              2 norms x c n D (LayerNorm c = 8:  0              2 x 2 n D (norms; Gemma's
//                      Gemma: 4 norms                                    sandwich: 4 x)
//                      mean 1, variance 3, normalise 4;                  + 2 x 3 n D (residual adds)
//                      RMSNorm c = 4: square-add 2,                      + 2 n (H + Hkv) d (RoPE)
//                      scale 2) + 2 n D residual adds
//                      + 3 n (H + Hkv) d rotary (Llama)
// Activation traffic counts each step's inputs read once and its output written once (the MLP
// rows: x read once for both matrices, each intermediate written, read by the activation (and the
// gate product) and the last matrix). Bytes = 4 x the counts above.
struct CostShape {
  int layers = 0;
  int64_t hidden = 0;        // D
  int64_t heads = 0;         // H
  int64_t kv_heads = 0;      // Hkv
  int64_t head_dim = 0;      // d
  int64_t intermediate = 0;  // F
  bool gated_mlp = false;    // SwiGLU, three matrices (Llama)
  bool rms_norm = false;     // RMSNorm (Llama) instead of LayerNorm
  bool rotary = false;       // rotary position embeddings on q and k (Llama)
  int norms = 2;             // norms per layer (Gemma's sandwich norms: 4)
  std::vector<int> windows;  // per layer: 0 global, W sliding window (empty: all global)
  int64_t parameters = 0;    // every parameter of the model, for the memory held

  int window(int layer) const {
    return static_cast<size_t>(layer) < windows.size() ? windows[static_cast<size_t>(layer)] : 0;
  }
};

// The shape of a loaded model, from its Architecture descriptor (ModelInfo::arch).
CostShape cost_shape(const ModelInfo& info);

struct PartCost {
  double flops = 0;
  double weight_bytes = 0;      // weights read
  double activation_bytes = 0;  // activations read and written
};

struct LayerCost {
  int64_t seq_len = 0;
  std::array<PartCost, kLayerPartCount> parts{};

  PartCost& operator[](LayerPart p) { return parts[static_cast<size_t>(p)]; }
  const PartCost& operator[](LayerPart p) const { return parts[static_cast<size_t>(p)]; }
  PartCost total() const;
  double quadratic_flops() const;  // Scores + Softmax + WeightedSum: grows with n^2
  double linear_flops() const;     // every other part: grows with n
};

// One layer at length n (n >= 1), global or with a sliding window of `window` keys.
LayerCost layer_cost(const CostShape& shape, int64_t n, int window = 0);

// The whole stack at length n (embeddings and the LM / classifier head are not counted).
struct ModelCost {
  int64_t seq_len = 0;
  std::vector<LayerCost> layers;  // each layer (they differ only in their windows)
  LayerCost all;            // each part summed over the layers
  PartCost total;           // Σ over the layers and parts
  double quadratic_flops = 0;  // all layers
  double linear_flops = 0;     // all layers
  // Memory held during a run, bytes:
  double weight_bytes = 0;      // 4 x parameters
  double activation_bytes = 0;  // one layer's working buffers: 4 n (3 D + 2 H d + 2 Hkv d + F)
                                // (2 F for SwiGLU): residual, normalised input, block output,
                                // q and context, k and v, MLP hidden
  double attention_bytes = 0;   // every layer's attention maps, as captured: 4 L H n^2
  double memory_bytes() const { return weight_bytes + activation_bytes + attention_bytes; }
};
ModelCost model_cost(const CostShape& shape, int64_t n);

// The length at which a layer's n^2 FLOPs equal its linear FLOPs: the n where the attention
// matrix starts to dominate the compute.
double quadratic_crossover(const CostShape& shape);

// Powers of two in [min_len, max_len], with max_len cut to the model's limit (text:
// max_positions; images: none) and max_len <= 0 meaning that limit (images: 1024); min_len is
// raised to the shortest valid input (images: the prefix tokens + 1 patch). Empty if none fits.
std::vector<int64_t> sweep_lengths(const ModelInfo& info, int64_t min_len, int64_t max_len);

// A generated input of exactly n tokens. Text: n ids drawn uniformly (mt19937_64 from `seed`)
// from the ids the tokenizer does not mark special (all ids below vocab_size without a
// tokenizer). Images: pixel values N(0, 1) of a P*rows x P*cols input, rows x cols = n - prefix
// patches as square as the factors allow. Throws Error(Usage) if n does not fit the model.
ForwardInput generated_input(const ModelInfo& info, const Tokenizer* tokenizer, int64_t n, uint64_t seed);

struct CostSweepOptions {
  int64_t min_seq = 8;
  int64_t max_seq = 0;   // 0 = the model's limit (text) or 1024 (images), see sweep_lengths()
  int repeats = 3;       // runs per length; the profile kept is the median per layer and part
  int threads = 0;
  uint64_t seed = 0;
};

// One measured length: the element-wise median (median_profile) of `repeats` profiled runs.
struct MeasuredLength {
  int64_t seq_len = 0;
  ForwardProfile profile;
};

struct CostSweep {
  bool cancelled = false;              // progress stopped it; `lengths` is then empty
  std::vector<MeasuredLength> lengths; // ascending
};

// Runs the model on generated inputs (generated_input) at every sweep_lengths() length, each
// `repeats` times with ForwardOptions::profile on, after one unrecorded warm-up run at the
// shortest length (first touches of the mapped weights). The runs keep the attention of layer 0
// only and compute no logits, so memory stays O(H n^2). Progress: one step per run ("cost: 256
// tokens, run 2/3"), cancellable between layers.
CostSweep measure_cost_sweep(const Model& model, const Tokenizer* tokenizer, const CostSweepOptions& options,
                             const ProgressFn& progress = {});

// The analytic rows of `lengths` and, if `measured` is given, the measured ones, as CSV with the
// header seq_len,layer,part,flops,weight_bytes,activation_bytes,held_bytes,measured_seconds:
//   layer "all", part = each LayerPart and "total": FLOPs and bytes moved of all layers; with
//     measurements, measured_seconds = Σ over the layers of the median profile
//   layer "all", part "outside_layers": measured only (embeddings, final norm)
//   layer "all", part "weights" / "activations" / "attention_maps" / "memory": held_bytes of
//     ModelCost (memory = the sum)
//   layer i (measured lengths only), part = each LayerPart and "total": that layer's analytic
//     FLOPs and bytes and its measured seconds
// Numbers are plain integers (FLOPs, bytes) or seconds in shortest round-trip form; empty cells
// where a quantity does not apply.
std::string cost_csv(const CostShape& shape, const std::vector<int64_t>& lengths, const CostSweep* measured);

}  // namespace attnscope
