#include "core/analysis/compare.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/common/error.h"

namespace attnscope {

TokenAlignment align_tokens(const std::vector<int64_t>& a, const std::vector<int64_t>& b, uint64_t max_cells) {
  const size_t na = a.size(), nb = b.size();
  size_t head = 0;
  while (head < na && head < nb && a[head] == b[head]) ++head;
  size_t tail = 0;
  while (tail < na - head && tail < nb - head && a[na - 1 - tail] == b[nb - 1 - tail]) ++tail;
  const size_t ma = na - head - tail, mb = nb - head - tail;  // the middle parts
  if (static_cast<uint64_t>(ma + 1) * (mb + 1) > max_cells)
    fail(ErrorKind::Resource, "the two inputs differ over " + std::to_string(ma) + " and " + std::to_string(mb) +
                                  " tokens: too many to align (at most " + std::to_string(max_cells) + " cells)");
  // len[i][j]: LCS of a[head + i ..] and b[head + j ..] within the middle, row-major (mb + 1) wide.
  std::vector<uint32_t> len((ma + 1) * (mb + 1), 0);
  const auto at = [&](size_t i, size_t j) -> uint32_t& { return len[i * (mb + 1) + j]; };
  for (size_t i = ma; i-- > 0;)
    for (size_t j = mb; j-- > 0;)
      at(i, j) = a[head + i] == b[head + j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));

  TokenAlignment out;
  for (size_t i = 0; i < head; ++i) out.pairs.emplace_back(static_cast<int>(i), static_cast<int>(i));
  size_t i = 0, j = 0;
  while (i < ma && j < mb) {
    if (a[head + i] == b[head + j] && at(i, j) == at(i + 1, j + 1) + 1) {
      out.pairs.emplace_back(static_cast<int>(head + i), static_cast<int>(head + j));
      ++i, ++j;
    } else if (at(i + 1, j) >= at(i, j + 1)) {
      out.unpaired_a.push_back(static_cast<int>(head + i++));
    } else {
      out.unpaired_b.push_back(static_cast<int>(head + j++));
    }
  }
  for (; i < ma; ++i) out.unpaired_a.push_back(static_cast<int>(head + i));
  for (; j < mb; ++j) out.unpaired_b.push_back(static_cast<int>(head + j));
  for (size_t t = 0; t < tail; ++t)
    out.pairs.emplace_back(static_cast<int>(na - tail + t), static_cast<int>(nb - tail + t));
  return out;
}

double js_divergence(const double* p, const double* q, size_t n) {
  double sp = 0, sq = 0;
  for (size_t k = 0; k < n; ++k) sp += p[k], sq += q[k];
  if (sp <= 0 || sq <= 0) return sp <= 0 && sq <= 0 ? 0.0 : 1.0;
  double d = 0;
  for (size_t k = 0; k < n; ++k) {
    const double x = p[k] / sp, y = q[k] / sq, m = 0.5 * (x + y);
    if (x > 0) d += 0.5 * x * std::log2(x / m);
    if (y > 0) d += 0.5 * y * std::log2(y / m);
  }
  return std::clamp(d, 0.0, 1.0);
}

AttentionComparison compare_attentions(const AttentionMaps& a, const AttentionMaps& b, const TokenAlignment& al,
                                       const ProgressFn& progress) {
  if (a.num_heads != b.num_heads)
    fail(ErrorKind::Usage, "cannot compare " + std::to_string(a.num_heads) + " heads with " + std::to_string(b.num_heads));
  AttentionComparison c;
  for (int l : a.layers)
    if (b.has_layer(l)) c.layers.push_back(l);
  if (c.layers.empty()) fail(ErrorKind::Usage, "the two runs have no captured layer in common");
  for (const auto& [i, j] : al.pairs)
    if (i < 0 || i >= a.seq_len || j < 0 || j >= b.seq_len)
      fail(ErrorKind::Usage, "token pair (" + std::to_string(i) + ", " + std::to_string(j) + ") is outside the inputs");
  const int H = a.num_heads;
  const int64_t L = static_cast<int64_t>(c.layers.size()), K = static_cast<int64_t>(al.pairs.size());
  c.num_heads = H;
  c.alignment = al;
  c.difference = Tensor({L, H, K, K});
  c.row_divergence = Tensor({L, H, K});
  c.divergence = Tensor({L, H});
  RowMatrix sa, sb;
  std::vector<double> p(static_cast<size_t>(K) + 1), q(static_cast<size_t>(K) + 1);
  for (int64_t li = 0; li < L; ++li) {
    const int l = c.layers[static_cast<size_t>(li)];
    for (int h = 0; h < H; ++h) {
      const ConstMatrixMap A = a.head_f32(l, h, sa), B = b.head_f32(l, h, sb);
      float* diff = c.difference.data.data() + (li * H + h) * K * K;
      float* rows = c.row_divergence.data.data() + (li * H + h) * K;
      double mean = 0;
      for (int64_t r = 0; r < K; ++r) {
        const auto [ia, ib] = al.pairs[static_cast<size_t>(r)];
        double pa = 0, pb = 0;  // mass on aligned keys
        for (int64_t k = 0; k < K; ++k) {
          const auto [ka, kb] = al.pairs[static_cast<size_t>(k)];
          p[static_cast<size_t>(k)] = A(ia, ka);
          q[static_cast<size_t>(k)] = B(ib, kb);
          pa += p[static_cast<size_t>(k)];
          pb += q[static_cast<size_t>(k)];
          diff[r * K + k] = A(ia, ka) - B(ib, kb);
        }
        p[static_cast<size_t>(K)] = std::max(0.0, A.row(ia).cast<double>().sum() - pa);
        q[static_cast<size_t>(K)] = std::max(0.0, B.row(ib).cast<double>().sum() - pb);
        rows[r] = static_cast<float>(js_divergence(p.data(), q.data(), p.size()));
        mean += rows[r];
      }
      c.divergence.data[static_cast<size_t>(li * H + h)] = K > 0 ? static_cast<float>(mean / static_cast<double>(K)) : 0.0f;
    }
    if (!report(progress, static_cast<int>(li + 1), static_cast<int>(L), "layer " + std::to_string(li + 1) + "/" + std::to_string(L)))
      return {};
  }
  return c;
}

}  // namespace attnscope
