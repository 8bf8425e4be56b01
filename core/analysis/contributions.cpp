#include "core/analysis/contributions.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/common/error.h"

namespace attnscope {

RowMatrix alti_contributions(const AttentionMaps& att, int layer, const Tensor& values, const RowMatrix& w_o, int num_kv_heads,
                             ConstMatrixMap residual, const std::optional<PostAttentionNorm>& post_norm) {
  const int H = att.num_heads, S = att.seq_len;
  const std::string where = "contributions of layer " + std::to_string(layer) + ": ";
  if (!att.has_layer(layer)) fail(ErrorKind::Usage, where + "its attention was not captured");
  if (att.key_len > 0 && att.key_len != S) fail(ErrorKind::Usage, where + "the maps are not self-attention");
  if (H <= 0 || num_kv_heads <= 0 || H % num_kv_heads != 0 || w_o.rows() % H != 0)
    fail(ErrorKind::Usage, where + "W_O has " + std::to_string(w_o.rows()) + " rows, not a multiple of the " + std::to_string(H) + " heads");
  const int d = static_cast<int>(w_o.rows()) / H;
  const Eigen::Index D = w_o.cols();
  const Shape v_expected = {S, static_cast<int64_t>(num_kv_heads) * d};
  if (values.shape != v_expected)
    fail(ErrorKind::Usage, where + "the values have shape " + shape_to_string(values.shape) + ", expected " + shape_to_string(v_expected));
  if (residual.rows() != S || residual.cols() != D)
    fail(ErrorKind::Usage, where + "the stream entering the layer has shape " + shape_to_string({residual.rows(), residual.cols()}) +
                               ", expected " + shape_to_string({S, D}));
  if (post_norm && (static_cast<Eigen::Index>(post_norm->weight.size()) != D || static_cast<Eigen::Index>(post_norm->output_bias.size()) != D))
    fail(ErrorKind::Usage, where + "the layer norm's weight or bias does not have " + std::to_string(D) + " entries");

  const ConstMatrixMap v(values.data.data(), S, static_cast<Eigen::Index>(num_kv_heads) * d);  // [S, Hkv d]
  const int group = H / num_kv_heads;
  std::vector<RowMatrix> f(static_cast<size_t>(H));  // H x [S, D]: f^h(x_j), token j's value through head h's rows of W_O
  for (int h = 0; h < H; ++h)
    f[static_cast<size_t>(h)].noalias() = v.middleCols(static_cast<Eigen::Index>(h / group) * d, d) * w_o.middleRows(static_cast<Eigen::Index>(h) * d, d);
  std::vector<RowMatrix> scratch(static_cast<size_t>(H));
  std::vector<ConstMatrixMap> a;  // H x [S, S]
  for (int h = 0; h < H; ++h) a.push_back(att.head_f32(layer, h, scratch[static_cast<size_t>(h)]));

  RowMatrix out = RowMatrix::Zero(S, S);  // [S, S]
  RowMatrix buffer(S, D);                 // [S, D] y~_ij of the current query i, one row per key j
  for (int i = 0; i < S; ++i) {
    // Only the keys some head lets i see (and i itself, for the residual) have a part: a causal row
    // stops at i, a sliding window spans W keys.
    int lo = i, hi = i;
    for (int j = 0; j < S; ++j)
      for (int h = 0; h < H; ++h)
        if (a[static_cast<size_t>(h)](i, j) != 0) {
          lo = std::min(lo, j);
          hi = std::max(hi, j);
          break;
        }
    const int n = hi - lo + 1;
    auto parts = buffer.topRows(n);  // [n, D] keys lo .. hi
    parts.setZero();
    for (int h = 0; h < H; ++h)
      parts.noalias() += a[static_cast<size_t>(h)].row(i).segment(lo, n).transpose().asDiagonal() * f[static_cast<size_t>(h)].middleRows(lo, n);
    parts.row(i - lo) += residual.row(i);
    if (post_norm) {
      const Eigen::Map<const Eigen::RowVectorXf> gamma(post_norm->weight.data(), D), b_o(post_norm->output_bias.data(), D);
      const Eigen::RowVectorXd u = (parts.colwise().sum() + b_o).cast<double>();  // the norm's input, as the forward pass saw it
      const double mean = u.mean();
      const double sigma = std::sqrt((u.array() - mean).square().mean() + static_cast<double>(post_norm->eps));
      parts.array().colwise() -= parts.rowwise().mean().array();
      parts.array().rowwise() *= (gamma / static_cast<float>(sigma)).array();
    }
    // In double: c_ij is a difference of two nearly equal L1 norms when token j is one of hundreds.
    const Eigen::RowVectorXd y = parts.cast<double>().colwise().sum();  // [D] y_i
    const double y_norm = y.lpNorm<1>();
    Eigen::RowVectorXd c = Eigen::RowVectorXd::Zero(n);  // [n]
    for (int j = 0; j < n; ++j)
      if (j == i - lo || !parts.row(j).isZero(0))  // else a key it cannot see: exactly 0
        c[j] = std::max(0.0, y_norm - (y - parts.row(j).cast<double>()).lpNorm<1>());
    const double total = c.sum();
    if (total > 0) out.row(i).segment(lo, n) = (c / total).cast<float>();
  }
  return out;
}

RowMatrix alti_aggregate(const RowMatrix& previous, const RowMatrix& layer) {
  if (previous.size() == 0) return layer;
  if (previous.rows() != layer.rows() || previous.cols() != layer.rows())
    fail(ErrorKind::Usage, "ALTI aggregation: maps of " + shape_to_string({previous.rows(), previous.cols()}) + " and " +
                               shape_to_string({layer.rows(), layer.cols()}));
  RowMatrix r;  // [S, S]
  r.noalias() = layer * previous;
  return r;
}

}  // namespace attnscope
