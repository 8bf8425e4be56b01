#include "core/analysis/value_norm.h"

#include <cmath>
#include <string>

#include "core/common/error.h"

namespace attnscope {

ValueNorms value_norms(const AttentionMaps& att, int layer, const Tensor& values, const RowMatrix& w_o, int num_kv_heads) {
  const int H = att.num_heads, S = att.seq_len;
  auto shape = [](const std::vector<int64_t>& s) {
    std::string out = "[";
    for (size_t i = 0; i < s.size(); ++i) out += (i ? "," : "") + std::to_string(s[i]);
    return out + "]";
  };
  if (!att.has_layer(layer)) fail(ErrorKind::Usage, "value norms: the attention of layer " + std::to_string(layer) + " was not captured");
  if (att.key_len > 0 && att.key_len != S) fail(ErrorKind::Usage, "value norms: the maps are not self-attention");
  if (H <= 0 || num_kv_heads <= 0 || H % num_kv_heads != 0 || w_o.rows() % H != 0)
    fail(ErrorKind::Usage, "value norms: W_O has " + std::to_string(w_o.rows()) + " rows, not a multiple of the " + std::to_string(H) +
                               " heads (" + std::to_string(num_kv_heads) + " value heads)");
  const int d = static_cast<int>(w_o.rows()) / H;
  const std::vector<int64_t> expected = {S, static_cast<int64_t>(num_kv_heads) * d};
  if (values.shape != expected)
    fail(ErrorKind::Usage, "value norms: layer " + std::to_string(layer) + "'s values have shape " + shape(values.shape) + ", expected " + shape(expected));
  const ConstMatrixMap v(values.data.data(), S, static_cast<Eigen::Index>(num_kv_heads) * d);  // [S, Hkv d]
  const int group = H / num_kv_heads;

  // f^h(x_j) for every head: [S, D] each.
  std::vector<RowMatrix> f(static_cast<size_t>(H));
  for (int h = 0; h < H; ++h)
    f[static_cast<size_t>(h)].noalias() = v.middleCols(static_cast<Eigen::Index>(h / group) * d, d) * w_o.middleRows(static_cast<Eigen::Index>(h) * d, d);
  // Their inner products per token, in double: the layer's norm is a quadratic form in them, and
  // heads writing opposite ways cancel.
  std::vector<double> gram(static_cast<size_t>(S) * H * H);  // [S, H, H]
  for (int j = 0; j < S; ++j)
    for (int h = 0; h < H; ++h)
      for (int g = h; g < H; ++g) {
        const double dot = f[static_cast<size_t>(h)].row(j).cast<double>().dot(f[static_cast<size_t>(g)].row(j).cast<double>());
        gram[(static_cast<size_t>(j) * H + h) * H + g] = gram[(static_cast<size_t>(j) * H + g) * H + h] = dot;
      }

  ValueNorms out;
  out.heads = Tensor({H, S, S});
  out.layer = Tensor({S, S});
  std::vector<const float*> a(static_cast<size_t>(H));
  std::vector<RowMatrix> scratch(static_cast<size_t>(H));
  for (int h = 0; h < H; ++h) a[static_cast<size_t>(h)] = att.head_f32(layer, h, scratch[static_cast<size_t>(h)]).data();
  std::vector<double> alpha(static_cast<size_t>(H));
  for (int i = 0; i < S; ++i)
    for (int j = 0; j < S; ++j) {
      const size_t ij = static_cast<size_t>(i) * S + static_cast<size_t>(j);
      bool any = false;
      for (int h = 0; h < H; ++h) {
        alpha[static_cast<size_t>(h)] = a[static_cast<size_t>(h)][ij];
        any = any || alpha[static_cast<size_t>(h)] != 0;
        out.heads.data[static_cast<size_t>(h) * S * S + ij] =
            static_cast<float>(alpha[static_cast<size_t>(h)] * std::sqrt(gram[(static_cast<size_t>(j) * H + h) * H + h]));
      }
      if (!any) continue;
      const double* G = &gram[static_cast<size_t>(j) * H * H];
      double q = 0;
      for (int h = 0; h < H; ++h)
        for (int g = 0; g < H; ++g) q += alpha[static_cast<size_t>(h)] * alpha[static_cast<size_t>(g)] * G[h * H + g];
      out.layer.data[ij] = static_cast<float>(std::sqrt(std::max(q, 0.0)));
    }
  return out;
}

}  // namespace attnscope
