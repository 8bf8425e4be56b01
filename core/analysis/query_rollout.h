#pragma once

#include <vector>

#include "core/analysis/rollout.h"
#include "core/common/progress.h"
#include "core/models/query_keys.h"

namespace attnscope {

// Row `query` of attention_rollout() (R[query, :], rollout.h) from the queries and keys a long run
// kept instead of its maps (core/models/query_keys.h): starting from r = e_query,
//   r <- r Â_l   for l = L-1 down to start_layer,
// L vector-matrix products with Â_l = rownorm((1 - α) Ā_l + α I) made row block by row block from
// recomputed weights, and only for the blocks holding rows that r still draws on (for a causal
// model, rows up to the query; the last layer needs one block). Memory O(S) beyond a block of
// weights per head; the full n x n rollout of 8k tokens would take 256 MB and ~L n^3 FLOPs.
// Refuses discard_ratio > 0, which thresholds a whole matrix (Error(Usage)); throws Error(Usage)
// for a query, head or layer out of range or not kept. Progress once per layer; a cancelled call
// returns an empty vector.
std::vector<float> query_rollout(const QueryKeyCapture& capture, int query, const RolloutOptions& options,
                                 const ProgressFn& progress = {});

}  // namespace attnscope
