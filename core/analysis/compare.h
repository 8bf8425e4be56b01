#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "core/common/progress.h"
#include "core/common/tensor.h"
#include "core/models/attention_maps.h"

namespace attnscope {

// Which token of input A stands for which token of input B: a longest common subsequence of the
// two id sequences (equal ids, in order), so that "... too big ." and "... too small ." pair every
// token but "big" and "small". Tokens without a partner are listed.
struct TokenAlignment {
  std::vector<std::pair<int, int>> pairs;  // (index in A, index in B), both ascending
  std::vector<int> unpaired_a, unpaired_b;
};

// Common prefix and suffix are matched directly; the part between is solved by dynamic
// programming, refused (Error(Resource)) beyond max_cells cells (the inputs then differ almost
// everywhere, and an alignment would say little).
TokenAlignment align_tokens(const std::vector<int64_t>& a, const std::vector<int64_t>& b, uint64_t max_cells = 64'000'000);

// Jensen–Shannon divergence in bits (0 = same distribution, 1 = disjoint) of two distributions
// over the same n outcomes; each is normalised by its own sum first.
double js_divergence(const double* p, const double* q, size_t n);

// Two attention stacks compared on their aligned tokens (K pairs), layer by layer and head by head.
// A row's distribution is its weight on each aligned key plus one outcome for the weight on keys
// without a partner, so both rows live on the same K + 1 outcomes.
struct AttentionComparison {
  std::vector<int> layers;        // model layers compared (captured in both)
  int num_heads = 0;
  TokenAlignment alignment;
  Tensor difference;              // [layers, H, K, K]: A[a_p, a_q] - B[b_p, b_q] over aligned queries p and keys q
  Tensor row_divergence;          // [layers, H, K]: JS divergence of each aligned query's rows
  Tensor divergence;              // [layers, H]: its mean over the aligned queries
};

// Both stacks must have the same heads and layers in common; throws Error(Usage) otherwise.
// Returns an empty comparison (layers empty) if `progress` cancels.
AttentionComparison compare_attentions(const AttentionMaps& a, const AttentionMaps& b, const TokenAlignment& alignment,
                                       const ProgressFn& progress = {});

}  // namespace attnscope
