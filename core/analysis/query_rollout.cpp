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

  const Index block = layers::attention_row_block(S);
  Eigen::VectorXd r = Eigen::VectorXd::Zero(S);  // [S] how much the query draws on each token so far
  r[query] = 1;
  RowMatrix a, w;  // [rows, S] Â's rows of a block, one more head's rows
  int done = 0;
  for (int l = L - 1; l >= o.start_layer; --l) {
    const LayerQueryKeys& layer = capture.layer(l);
    Eigen::VectorXd next = Eigen::VectorXd::Zero(S);
    for (Index i0 = 0; i0 < S; i0 += block) {
      const Index rows = std::min(block, S - i0);
      if ((r.segment(i0, rows).array() == 0).all()) continue;
      const int first = static_cast<int>(i0), end = static_cast<int>(i0 + rows);
      a.resize(rows, S);
      w.resize(rows, S);
      attention_rows(layer, heads[0], first, end, a.data());
      for (size_t n = 1; n < heads.size(); ++n) {
        attention_rows(layer, heads[n], first, end, w.data());
        fuse_into(a, w, o.fusion.method);
      }
      finish_fusion(a, heads.size(), o.fusion);
      add_residual_rows(a, i0, o.residual_weight);
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
