#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/common/tensor.h"
#include "core/models/attention_maps.h"

namespace attnscope {

// How the heads of one layer are combined into one [S, S] matrix.
//   Mean: Ā = (1/|H|) Σ_h A_h            (the head average of Abnar & Zuidema 2020, "Quantifying
//                                          Attention Flow in Transformers", ACL 2020, §3)
//   Max:  Ā_ij = max_h A_h,ij            (vit-explain's "max" head fusion, Gildenblat 2020)
//   Min:  Ā_ij = min_h A_h,ij            (vit-explain's "min")
// H is every head, or the subset `heads` ("mean of the chosen heads"). Mean keeps rows
// stochastic; Max and Min do not, so their rows are rescaled to sum to 1 unless `renormalize` is
// false (a row whose fused mass is 0 -- Min over heads with disjoint support -- stays 0).
// Exact zeros (the causal upper triangle) stay zero under all three.
enum class HeadFusion { Mean, Max, Min };

struct FusionOptions {
  HeadFusion method = HeadFusion::Mean;
  std::vector<int> heads;  // heads to combine; empty = all
  bool renormalize = true;
};

const char* to_string(HeadFusion fusion);

// The fused matrix of model layer `layer` (must be captured). Throws Error(Usage) for a head
// out of range or an uncaptured layer.
RowMatrix fuse_heads(const AttentionMaps& maps, int layer, const FusionOptions& options);

// Every captured layer fused: [maps.layers.size(), S, S], in the order of maps.layers.
Tensor fuse_layers(const AttentionMaps& maps, const FusionOptions& options);

// The steps of fuse_heads, for callers that fuse rows they compute themselves (query_rollout.h):
// `fused` begins as the first head's copy, each further head goes in with fuse_into(), then
// finish_fusion() divides the mean out or rescales Max / Min rows as `options` say.
void fuse_into(RowMatrix& fused, const Eigen::Ref<const RowMatrix>& head, HeadFusion method);
void finish_fusion(RowMatrix& fused, size_t heads, const FusionOptions& options);

// add_residual on rows first_row .. first_row + rows - 1 of a matrix, in place: row k's own token
// is column first_row + k.
void add_residual_rows(RowMatrix& rows, Eigen::Index first_row, double residual_weight);

// Â = rownorm((1 - α) Ā + α I) with α = residual_weight in [0, 1]: the residual connection
// modelled as attention to the token itself (Abnar & Zuidema 2020, §3: α = 0.5, i.e.
// rownorm(Ā + I) for a row-stochastic Ā). α = 0 only renormalises the rows.
RowMatrix add_residual(const RowMatrix& fused, double residual_weight);

// Divides each row by its sum; rows summing to 0 are left as they are.
void normalize_rows(RowMatrix& m);

// Checks that `maps` is consistent (data size, heads) and throws Error(Usage) naming `what`.
void check_attention_maps(const AttentionMaps& maps, const std::string& what);

// The model layers start_layer .. num_layers-1, all of which must be captured: methods that
// chain layers (rollout, flow) need every one of them. Throws Error(Usage) naming `method` and
// the first missing layer.
std::vector<int> require_layer_range(const AttentionMaps& maps, int start_layer, const std::string& method);

// Â_l (add_residual of fuse_heads) for every layer l of require_layer_range().
std::vector<RowMatrix> residual_layers(const AttentionMaps& maps, const FusionOptions& fusion, double residual_weight,
                                       int start_layer, const std::string& method);

// True if every captured matrix has exact zeros above the diagonal (a causal model's attention).
bool is_lower_triangular(const AttentionMaps& maps);

}  // namespace attnscope
