#pragma once

#include <functional>

#include "core/analysis/fusion.h"
#include "core/common/progress.h"

namespace attnscope {

// Attention rollout (Abnar & Zuidema 2020, "Quantifying Attention Flow in Transformers", §3):
// per layer l the fused heads Ā_l (FusionOptions; the paper averages), optionally with the lowest
// weights discarded, then Â_l = rownorm((1 - α) Ā_l + α I) (add_residual), and
//   R = Â_{L-1} · ... · Â_{start}            (model layers start .. L-1, all captured)
// R[i][j] is how much output token i draws on input token j through the whole stack; R is
// row-stochastic and lower-triangular for causal models. For images the CLS row R[0] over the
// patch columns is the usual heat map (patch_map()).
//
// discard_ratio (vit-explain, Gildenblat 2020): before the residual is added, the
// floor(ratio * n) smallest of the n positive entries of each Ā_l are set to 0, never those in
// column 0 (the CLS / BOS token, which vit-explain meant to keep). Unlike vit-explain the rows
// are then renormalised per row (its `a / a.sum(dim=-1)` divides by the wrong axis), and
// structural zeros (a causal upper triangle) do not count towards n.
struct RolloutOptions {
  FusionOptions fusion;
  double residual_weight = 0.5;  // α; 0.5 is the paper's 0.5 Ā + 0.5 I
  int start_layer = 0;
  double discard_ratio = 0;      // in [0, 1)
};

// Throws Error(Usage) if a needed layer was not captured or an option is out of range.
// `progress` is told after each layer; if it returns false the rollout stops and returns an
// empty matrix.
RowMatrix attention_rollout(const AttentionMaps& maps, const RolloutOptions& options, const ProgressFn& progress = {});

// The rollout as it builds up, layer by layer (vit-explain's per-layer figure): `each(layer, R_layer)`
// with R_layer = Â_layer · ... · Â_start for layer = start .. L-1; the last is attention_rollout().
// One [S, S] product is alive at a time, so long inputs cost no more memory than the rollout.
void attention_rollout_steps(const AttentionMaps& maps, const RolloutOptions& options,
                             const std::function<void(int layer, const RowMatrix& rollout)>& each);

// Sets the floor(ratio * n) smallest positive entries outside column 0 to zero (see above).
void discard_lowest(RowMatrix& fused, double ratio);

}  // namespace attnscope
