#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/analysis/token_roles.h"
#include "core/common/progress.h"
#include "core/pipeline/analyzer.h"

namespace attnscope {

// The token roles of an analysed input: special tokens from the tokenizer (text) or the prefix
// tokens and patch grid (images), and whether the model is causal.
TokenRoles token_roles(const Analysis& analysis);
// The patch grid of an image analysis (empty for text).
PatchGrid patch_grid(const Analysis& analysis);

// What `attnscope-cli attend --method ...` (and a figure's provenance) asks for.
enum class MapMethod { Raw, Mean, Max, Min, Rollout, Flow };
const char* to_string(MapMethod m);
MapMethod parse_map_method(const std::string& name);  // throws Error(Usage)

struct DerivedMapOptions {
  MapMethod method = MapMethod::Raw;
  std::vector<int> heads;  // heads combined; empty = all
  int start_layer = 0;     // rollout and flow
  double discard_ratio = 0;  // rollout: vit-explain's discard of the lowest fused weights, in [0, 1)
  int threads = 0;         // flow
  std::vector<int> rows;   // flow: only these output rows ([rows.size(), S]), e.g. {0} for the CLS row; empty = all
};

// The maps a method derives from the captured attentions:
//   mean / max / min  -> "fused" [L, S, S] (every captured layer)
//   rollout / flow    -> "rollout" / "flow" [S, S], and for image models "<method>_cls"
//                        [rows, cols], the CLS row over the patch grid
//   raw               -> nothing
// Flow reports progress and may be cancelled (then the result is empty and `cancelled` set).
struct DerivedMaps {
  bool cancelled = false;
  std::vector<std::pair<std::string, Tensor>> maps;
  std::string summary;  // e.g. "attention flow: 820 max-flow problems in 84 ms"
};
DerivedMaps derived_maps(const Analysis& analysis, const DerivedMapOptions& options, const ProgressFn& progress = {});

// Value-weighted norms (core/analysis/value_norm.h) of every captured layer of a run with the v
// capture point on those layers (value_norm_taps), with the weights of `model`, the model that
// ran. Error(Usage) for a layer without its values, or a model whose attention output is not a
// sum over heads (Gemma). Cancelled by `progress`: `layers` is empty.
struct ValueNormMaps {
  std::vector<int> layers;  // the captured model layers, ascending (as AttentionMaps::layers)
  Tensor heads;             // [L, H, S, S] per head   (written as "value_norm")
  Tensor layer;             // [L, S, S] the heads summed (written as "value_norm_layer")
  int num_heads = 0;

  bool empty() const { return layers.empty(); }
  // The map of `model_layer`: one head, or the layer's sum when head < 0; Error(Usage) if not there.
  ConstMatrixMap map(int model_layer, int head) const;
};
ValueNormMaps value_norm_maps(const Analysis& analysis, const Model& model, const ProgressFn& progress = {});
// The rollout of norm-based maps (Kobayashi et al. 2020, section 5, with Abnar & Zuidema's rollout):
// each layer's summed map N row-normalised to sum 1, then attention_rollout() of those with its
// residual (0.5 N^ + 0.5 I), from `start_layer`. Row-stochastic; lower-triangular for causal models.
RowMatrix value_norm_rollout(const ValueNormMaps& norms, int num_layers, int start_layer = 0, const ProgressFn& progress = {});
// What value_norm_maps() needs from the run: the v capture point on `layers` (empty = all).
TapRequest value_norm_taps(const std::vector<int>& layers);

// ALTI contributions (core/analysis/contributions.h) of every layer of a run that kept the v
// capture point (value_norm_taps) and its hidden states, with the weights of `model`, the model
// that ran. ALTI aggregates across the stack from layer 0, so every layer must be captured.
// Error(Usage) otherwise, and for Gemma (its norm after the projection is not a sum over heads).
// Cancelled by `progress`: `layers` is empty.
struct ContributionMaps {
  std::vector<int> layers;  // 0 .. L-1
  Tensor layer;             // [L, S, S] each layer's contributions c_ij      (written as "contributions")
  Tensor aggregated;        // [L, S, S] ALTI: input token j's share in i after layer l (written as "alti")

  bool empty() const { return layers.empty(); }
  ConstMatrixMap map(int model_layer, bool aggregate) const;  // Error(Usage) if not there
};
ContributionMaps contribution_maps(const Analysis& analysis, const Model& model, const ProgressFn& progress = {});

}  // namespace attnscope
