#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/analysis/fusion.h"
#include "core/common/progress.h"

namespace attnscope {

// Attention flow (Abnar & Zuidema 2020, "Quantifying Attention Flow in Transformers", §3; the
// authors' code is samiraabnar/attention_flow, attention_graph_util.py).
//
// The layered graph has one node per token at each of the L'+1 layer boundaries (L' = layers
// start .. L-1; level 0 = the input embeddings, level L' = the output of the last layer). Node
// (m, a) has an edge to (m-1, b) with capacity Â[a][b] of layer start+m-1, where
// Â = rownorm((1 - α) Ā + α I) is the residual-augmented fused attention (add_residual; the
// paper: head average, α = 0.5). As in the reference code the flow runs from an output node
// (L', i) down to an input node (0, j):
//   F[i][j] = maxflow((L', i) -> (0, j)),   flow[i][j] = F[i][j] / Σ_k F[i][k]
// i.e. one max-flow problem per (output, input) pair, normalised per output token so each row
// sums to 1. For a causal model token j > i is unreachable from (L', i) (F = 0), so only the
// graph over tokens 0..i is built for row i. Solved with Boost Graph's boykov_kolmogorov_max_flow
// (about 1.5x faster than push_relabel_max_flow on these short layered graphs) on integer
// capacities: Â scaled by 2^40, so the solver is exact and the rounding far below float32's.
struct FlowOptions {
  FusionOptions fusion;            // the paper averages the heads
  double residual_weight = 0.5;    // α
  int start_layer = 0;
  // Output tokens whose rows are solved, e.g. {0}: an image map needs only the CLS row, S max-flow
  // problems instead of S²; empty = every row.
  std::vector<int> rows;
  // Refuse (Error(Resource)) when estimate_flow_cost().cost exceeds this; 0 = no limit.
  // A busy 2-core machine does 3-4e7 per second, so the default is about a minute: some 200
  // tokens of a 5-layer causal model, 95 of a 12-layer encoder.
  double max_cost = 2e9;
  int threads = 0;                 // 0 = all cores
};

// What a run would cost: `solves` max-flow problems on graphs of up to `nodes` nodes and
// `edges` edges (the largest graph used); cost = Σ over solves of (nodes + edges) of its graph.
struct FlowCost {
  int64_t solves = 0;
  int64_t nodes = 0;
  int64_t edges = 0;
  double cost = 0;
  bool causal = false;  // lower-triangular attention: row i only needs tokens 0..i
};

// Uses only the shape of `maps` (and whether it is lower-triangular); throws Error(Usage) for
// missing layers, like attention_flow().
FlowCost estimate_flow_cost(const AttentionMaps& maps, const FlowOptions& options);

struct FlowResult {
  bool cancelled = false;  // `progress` stopped the run; nothing else is set
  RowMatrix flow;          // [S, S] row-stochastic, [output token][input token]; with
                           // FlowOptions::rows, [rows.size(), S]: those rows, in that order
  FlowCost cost;
  double seconds = 0;
};

// Reports progress as output tokens (rows) are finished ("attention flow: 12/40 tokens", done = 12,
// total = the rows solved; from the calling thread, ending with done = total). With fewer rows
// than threads the max-flow problems themselves are shared out and counted ("attention flow:
// 120/197 max-flow problems"). Returning false cancels. Throws
// Error(Resource) with the estimate when it exceeds options.max_cost, Error(Usage) for missing
// layers.
FlowResult attention_flow(const AttentionMaps& maps, const FlowOptions& options, const ProgressFn& progress = {});

// "1,234,567"
std::string group_thousands(int64_t n);

}  // namespace attnscope
