#include "core/analysis/rollout.h"

#include <algorithm>
#include <numeric>
#include <string>

#include "core/common/error.h"

namespace attnscope {

void discard_lowest(RowMatrix& fused, double ratio) {
  if (!(ratio >= 0 && ratio < 1)) fail(ErrorKind::Usage, "discard ratio " + std::to_string(ratio) + " is outside [0, 1)");
  if (ratio == 0) return;
  std::vector<Eigen::Index> candidates;  // flat indices of positive entries outside column 0
  for (Eigen::Index i = 0; i < fused.rows(); ++i)
    for (Eigen::Index j = 1; j < fused.cols(); ++j)
      if (fused(i, j) > 0) candidates.push_back(i * fused.cols() + j);
  const size_t k = static_cast<size_t>(ratio * static_cast<double>(candidates.size()));
  if (k == 0) return;
  float* d = fused.data();
  // Ties are broken by position so the result does not depend on the sort implementation.
  std::nth_element(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(k - 1), candidates.end(),
                   [&](Eigen::Index a, Eigen::Index b) { return d[a] < d[b] || (d[a] == d[b] && a < b); });
  for (size_t n = 0; n < k; ++n) d[candidates[n]] = 0;
}

namespace {

// `each(layer, R)` after every layer; it returns false to stop (the loop then returns an empty R).
template <typename Each>
RowMatrix rollout_loop(const AttentionMaps& maps, const RolloutOptions& options, Each&& each) {
  check_attention_maps(maps, "rollout");
  RowMatrix r;  // [S, S]
  for (int l : require_layer_range(maps, options.start_layer, "rollout")) {
    RowMatrix fused = fuse_heads(maps, l, options.fusion);
    discard_lowest(fused, options.discard_ratio);
    const RowMatrix a = add_residual(fused, options.residual_weight);
    r = r.size() == 0 ? a : RowMatrix(a * r);
    if (!each(l, r)) return RowMatrix();
  }
  return r;
}

}  // namespace

void attention_rollout_steps(const AttentionMaps& maps, const RolloutOptions& options,
                             const std::function<void(int layer, const RowMatrix& rollout)>& each) {
  rollout_loop(maps, options, [&](int l, const RowMatrix& r) {
    each(l, r);
    return true;
  });
}

RowMatrix attention_rollout(const AttentionMaps& maps, const RolloutOptions& options, const ProgressFn& progress) {
  const int total = static_cast<int>(maps.layers.size());
  int done = 0;
  return rollout_loop(maps, options, [&](int l, const RowMatrix&) {
    return report(progress, ++done, total, "rollout through layer " + std::to_string(l));
  });
}

}  // namespace attnscope
