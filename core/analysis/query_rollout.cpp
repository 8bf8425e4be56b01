#include "core/analysis/query_rollout.h"

#include <string>

#include <Eigen/Core>

#include "core/analysis/fusion.h"
#include "core/common/error.h"
#include "core/models/layers.h"

namespace attnscope {

std::vector<float> query_rollout(const QueryKeyCapture& capture, int query, const RolloutOptions& o, const ProgressFn& progress) {
  using Index = Eigen::Index;
  if (o.discard_ratio != 0)
    fail(ErrorKind::Usage, "rollout of one query: discarding the lowest weights needs whole matrices (use a discard ratio of 0)");
  if (!(o.residual_weight >= 0 && o.residual_weight <= 1))
    fail(ErrorKind::Usage, "residual weight " + std::to_string(o.residual_weight) + " is outside [0, 1]");
  const int L = capture.num_layers;
  if (o.start_layer < 0 || o.start_layer >= L)
    fail(ErrorKind::Usage, "rollout: start layer " + std::to_string(o.start_layer) + " is out of range (valid: 0-" +
                               std::to_string(L - 1) + ")");
  for (int l = o.start_layer; l < L; ++l) capture.layer(l);  // each one kept, or Error(Usage)
  const LayerQueryKeys& top = capture.layer(L - 1);
  const Index S = top.seq_len;
  if (query < 0 || query >= S)
    fail(ErrorKind::Usage, "query " + std::to_string(query) + " is out of range (" + std::to_string(S) + " tokens)");
  std::vector<int> heads = o.fusion.heads;
  if (heads.empty())
    for (int h = 0; h < top.num_heads(); ++h) heads.push_back(h);
  for (int h : heads)
    if (h < 0 || h >= top.num_heads())
      fail(ErrorKind::Usage, "head " + std::to_string(h) + " is out of range (the model has " + std::to_string(top.num_heads()) +
                                 " heads, numbered from 0)");

  const float keep = static_cast<float>(1 - o.residual_weight), self = static_cast<float>(o.residual_weight);
  const Index block = layers::attention_row_block(S);
  Eigen::VectorXd r = Eigen::VectorXd::Zero(S);  // [S] how much the query draws on each token so far
  r[query] = 1;
  RowMatrix fused(block, S), weights(block, S);  // [block, S] Ā's rows, one head's rows
  int done = 0;
  for (int l = L - 1; l >= o.start_layer; --l) {
    const LayerQueryKeys& layer = capture.layer(l);
    Eigen::VectorXd next = Eigen::VectorXd::Zero(S);
    for (Index i0 = 0; i0 < S; i0 += block) {
      const Index rows = std::min(block, S - i0);
      if ((r.segment(i0, rows).array() == 0).all()) continue;
      auto f = fused.topRows(rows);
      auto w = weights.topRows(rows);
      // As fuse_heads, then add_residual, on these rows.
      for (size_t n = 0; n < heads.size(); ++n) {
        attention_rows(layer, heads[n], static_cast<int>(i0), static_cast<int>(i0 + rows), n == 0 ? f.data() : w.data());
        if (n == 0) continue;
        switch (o.fusion.method) {
          case HeadFusion::Mean: f += w; break;
          case HeadFusion::Max: f = f.cwiseMax(w); break;
          case HeadFusion::Min: f = f.cwiseMin(w); break;
        }
      }
      RowMatrix a = f;  // [rows, S]
      if (o.fusion.method == HeadFusion::Mean) a /= static_cast<float>(heads.size());
      else if (o.fusion.renormalize) normalize_rows(a);
      a *= keep;
      for (Index k = 0; k < rows; ++k) a(k, i0 + k) += self;
      normalize_rows(a);
      for (Index k = 0; k < rows; ++k)
        if (r[i0 + k] != 0) next += r[i0 + k] * a.row(k).transpose().cast<double>();
    }
    r.swap(next);
    if (!report(progress, ++done, L - o.start_layer, "rollout of token " + std::to_string(query) + " through layer " + std::to_string(l)))
      return {};
  }
  std::vector<float> out(static_cast<size_t>(S));
  for (Index j = 0; j < S; ++j) out[static_cast<size_t>(j)] = static_cast<float>(r[j]);
  return out;
}

}  // namespace attnscope
