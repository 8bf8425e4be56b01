#include "core/models/query_keys.h"

#include <algorithm>
#include <string>

#include "core/common/error.h"
#include "core/models/layers.h"

namespace attnscope {

namespace {

using Index = Eigen::Index;

void check_head(const LayerQueryKeys& L, int head) {
  if (head < 0 || head >= L.num_heads())
    fail(ErrorKind::Usage, "head " + std::to_string(head) + " is out of range (layer " + std::to_string(L.layer) + " has " +
                               std::to_string(L.num_heads()) + " heads)");
}

// Calls f(i0, rows, weights [rows, S]) for each of the forward's row blocks overlapping
// [row_begin, row_end), in order.
template <typename F>
void for_each_row_block(const LayerQueryKeys& L, int head, Index row_begin, Index row_end, F&& f) {
  const Index S = L.seq_len;
  const layers::AttentionParams p = L.params();
  const std::vector<float> mask01 = layers::key_mask01(p.key_mask, S);
  const Index block = layers::attention_row_block(S);
  RowMatrix weights(std::min(block, S), S);  // [block, S]
  for (Index i0 = row_begin / block * block; i0 < row_end; i0 += block) {
    const Index rows = std::min(block, S - i0);
    layers::attention_weight_rows(L.q, L.k, p, mask01.empty() ? nullptr : mask01.data(), head, i0, rows, weights.data());
    f(i0, rows, weights);
  }
}

}  // namespace

LayerQueryKeys LayerQueryKeys::keep(int layer, const RowMatrix& q, const RowMatrix& k, const layers::AttentionParams& p) {
  LayerQueryKeys out;
  out.layer = layer;
  out.seq_len = static_cast<int>(q.rows());
  out.q = q;
  out.k = k;
  out.shape = p;
  out.shape.scores = nullptr;
  out.shape.relative_bias = nullptr;
  out.shape.key_mask = nullptr;
  out.shape.capture = nullptr;
  out.shape.timing = nullptr;
  if (p.key_mask) out.key_mask = *p.key_mask;
  if (p.relative_bias) out.relative_bias = Eigen::Map<const RowMatrix>(p.relative_bias, p.num_heads, 2 * q.rows() - 1);
  return out;
}

layers::AttentionParams LayerQueryKeys::params() const {
  layers::AttentionParams p = shape;
  p.relative_bias = relative_bias.size() > 0 ? relative_bias.data() : nullptr;
  p.key_mask = key_mask.empty() ? nullptr : &key_mask;
  return p;
}

uint64_t LayerQueryKeys::bytes() const {
  return (static_cast<uint64_t>(q.size()) + static_cast<uint64_t>(k.size()) + static_cast<uint64_t>(relative_bias.size())) *
             sizeof(float) +
         key_mask.size() * sizeof(int64_t);
}

void QueryKeyCapture::select(const std::vector<int>& wanted, int layers_total) {
  num_layers = layers_total;
  layers.clear();
  for (int l : captured_layers(wanted, layers_total)) {
    LayerQueryKeys keys;
    keys.layer = l;
    layers.push_back(std::move(keys));
  }
}

const LayerQueryKeys* QueryKeyCapture::find(int layer) const {
  for (const auto& l : layers)
    if (l.layer == layer) return &l;
  return nullptr;
}

LayerQueryKeys* QueryKeyCapture::find(int layer) {
  for (auto& l : layers)
    if (l.layer == layer) return &l;
  return nullptr;
}

const LayerQueryKeys& QueryKeyCapture::layer(int layer) const {
  if (const LayerQueryKeys* l = find(layer)) return *l;
  std::string kept;
  for (const auto& l : layers) kept += (kept.empty() ? "" : ", ") + std::to_string(l.layer);
  fail(ErrorKind::Usage, "the queries and keys of layer " + std::to_string(layer) + " were not kept (kept: " +
                             (kept.empty() ? "none" : kept) + ")");
}

uint64_t QueryKeyCapture::bytes() const {
  uint64_t n = 0;
  for (const auto& l : layers) n += l.bytes();
  return n;
}

void attention_rows(const LayerQueryKeys& L, int head, int row_begin, int row_end, float* out) {
  check_head(L, head);
  if (row_begin < 0 || row_end > L.seq_len || row_begin > row_end)
    fail(ErrorKind::Usage, "rows [" + std::to_string(row_begin) + ", " + std::to_string(row_end) + ") are outside the " +
                               std::to_string(L.seq_len) + " queries");
  if (row_begin == row_end) return;
  const Index S = L.seq_len;
  for_each_row_block(L, head, row_begin, row_end, [&](Index i0, Index rows, const RowMatrix& w) {
    const Index from = std::max<Index>(i0, row_begin), to = std::min<Index>(i0 + rows, row_end);
    std::copy_n(w.data() + (from - i0) * S, (to - from) * S, out + (from - row_begin) * S);
  });
}

RowMatrix attention_map(const LayerQueryKeys& L, int head) {
  RowMatrix m(L.seq_len, L.seq_len);
  attention_rows(L, head, 0, L.seq_len, m.data());
  return m;
}

AttentionOverview attention_overview(const LayerQueryKeys& L, int head, int cells, OverviewReduce reduce) {
  check_head(L, head);
  if (cells < 1) fail(ErrorKind::Usage, "an overview needs at least 1 cell per side");
  const Index S = L.seq_len;
  AttentionOverview o;
  o.block = static_cast<int>((S + cells - 1) / cells);
  const Index b = o.block, n = (S + b - 1) / b;
  o.cells = RowMatrix::Zero(n, n);
  for_each_row_block(L, head, 0, S, [&](Index i0, Index rows, const RowMatrix& w) {
    for (Index r = 0; r < rows; ++r) {
      const Index i = i0 + r, a = i / b;
      const float* row = w.data() + r * S;
      for (Index c = 0; c < n; ++c) {
        const Index j0 = c * b, j1 = std::min(S, j0 + b);
        const auto seg = Eigen::Map<const Eigen::ArrayXf>(row + j0, j1 - j0);
        if (reduce == OverviewReduce::Max) o.cells(a, c) = std::max(o.cells(a, c), seg.maxCoeff());
        else o.cells(a, c) += seg.sum();
      }
    }
  });
  if (reduce == OverviewReduce::Mean)
    for (Index a = 0; a < n; ++a)
      for (Index c = 0; c < n; ++c) {
        const Index h = std::min(S, (a + 1) * b) - a * b, w = std::min(S, (c + 1) * b) - c * b;
        o.cells(a, c) /= static_cast<float>(h * w);
      }
  return o;
}

AttentionMaps recompute_maps(const QueryKeyCapture& capture, const std::vector<int>& layers, const ProgressFn& progress) {
  std::vector<int> wanted = layers;
  if (wanted.empty())
    for (const auto& l : capture.layers) wanted.push_back(l.layer);
  for (int l : wanted) capture.layer(l);  // every one kept, or Error(Usage)
  AttentionMaps maps;
  if (capture.empty()) return maps;
  const LayerQueryKeys& first = capture.layer(wanted.front());
  maps.allocate(capture.num_layers, first.num_heads(), first.seq_len, wanted);
  for (size_t n = 0; n < maps.layers.size(); ++n) {
    const LayerQueryKeys& L = capture.layer(maps.layers[n]);
    for (int h = 0; h < L.num_heads(); ++h) attention_rows(L, h, 0, L.seq_len, maps.head_data(L.layer, h));
    if (!report(progress, static_cast<int>(n + 1), static_cast<int>(maps.layers.size()),
                "layer " + std::to_string(L.layer + 1) + ": maps from queries and keys"))
      return AttentionMaps{};
  }
  return maps;
}

}  // namespace attnscope
