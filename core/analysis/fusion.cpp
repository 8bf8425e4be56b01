#include "core/analysis/fusion.h"

#include <algorithm>

#include "core/common/error.h"

namespace attnscope {

const char* to_string(HeadFusion fusion) {
  switch (fusion) {
    case HeadFusion::Mean: return "mean";
    case HeadFusion::Max: return "max";
    case HeadFusion::Min: return "min";
  }
  return "?";
}

void check_attention_maps(const AttentionMaps& maps, const std::string& what) {
  if (maps.empty() || maps.num_heads <= 0 || maps.seq_len <= 0)
    fail(ErrorKind::Usage, what + ": no attention was captured");
  const size_t stored = maps.f16 ? maps.data_f16.size() : maps.data.size();
  if (stored != maps.layers.size() * static_cast<size_t>(maps.num_heads) * maps.matrix_size())
    fail(ErrorKind::Usage, what + ": attention data holds " + std::to_string(stored) + " values, expected " +
                               shape_to_string(maps.shape()));
}

RowMatrix fuse_heads(const AttentionMaps& maps, int layer, const FusionOptions& options) {
  check_attention_maps(maps, std::string(to_string(options.method)) + " head fusion");
  std::vector<int> heads = options.heads;
  if (heads.empty())
    for (int h = 0; h < maps.num_heads; ++h) heads.push_back(h);
  for (int h : heads)
    if (h < 0 || h >= maps.num_heads)
      fail(ErrorKind::Usage, "head " + std::to_string(h) + " is out of range (the model has " + std::to_string(maps.num_heads) +
                                 " heads, numbered from 0)");

  RowMatrix scratch;  // float16 maps: the head converted
  RowMatrix out = maps.head_f32(layer, heads[0], scratch);
  for (size_t i = 1; i < heads.size(); ++i) fuse_into(out, maps.head_f32(layer, heads[i], scratch), options.method);
  finish_fusion(out, heads.size(), options);
  return out;
}

void fuse_into(RowMatrix& fused, const Eigen::Ref<const RowMatrix>& head, HeadFusion method) {
  switch (method) {
    case HeadFusion::Mean: fused += head; break;
    case HeadFusion::Max: fused = fused.cwiseMax(head); break;
    case HeadFusion::Min: fused = fused.cwiseMin(head); break;
  }
}

void finish_fusion(RowMatrix& fused, size_t heads, const FusionOptions& options) {
  if (options.method == HeadFusion::Mean) fused /= static_cast<float>(heads);
  else if (options.renormalize) normalize_rows(fused);
}

Tensor fuse_layers(const AttentionMaps& maps, const FusionOptions& options) {
  check_attention_maps(maps, std::string(to_string(options.method)) + " head fusion");
  Tensor out({static_cast<int64_t>(maps.layers.size()), maps.seq_len, maps.seq_len});
  for (size_t i = 0; i < maps.layers.size(); ++i) out.matrix(static_cast<int64_t>(i)) = fuse_heads(maps, maps.layers[i], options);
  return out;
}

void normalize_rows(RowMatrix& m) {
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    const double s = m.row(i).cast<double>().sum();
    if (s > 0) m.row(i) = (m.row(i).cast<double>() / s).cast<float>();
  }
}

void add_residual_rows(RowMatrix& rows, Eigen::Index first_row, double residual_weight) {
  if (!(residual_weight >= 0 && residual_weight <= 1))
    fail(ErrorKind::Usage, "residual weight " + std::to_string(residual_weight) + " is outside [0, 1]");
  rows *= static_cast<float>(1 - residual_weight);
  for (Eigen::Index k = 0; k < rows.rows(); ++k) rows(k, first_row + k) += static_cast<float>(residual_weight);
  normalize_rows(rows);
}

RowMatrix add_residual(const RowMatrix& fused, double residual_weight) {
  RowMatrix a = fused;
  add_residual_rows(a, 0, residual_weight);
  return a;
}

std::vector<int> require_layer_range(const AttentionMaps& maps, int start_layer, const std::string& method) {
  if (start_layer < 0 || start_layer >= maps.num_layers)
    fail(ErrorKind::Usage, method + ": start layer " + std::to_string(start_layer) + " is out of range (valid: 0-" +
                               std::to_string(maps.num_layers - 1) + ")");
  std::vector<int> layers;
  for (int l = start_layer; l < maps.num_layers; ++l) {
    if (!maps.has_layer(l))
      fail(ErrorKind::Usage, method + " needs the attention of every layer from " + std::to_string(start_layer) + " to " +
                                 std::to_string(maps.num_layers - 1) + ", but layer " + std::to_string(l) +
                                 " was not captured (capture all layers, or start after the missing ones)");
    layers.push_back(l);
  }
  return layers;
}

std::vector<RowMatrix> residual_layers(const AttentionMaps& maps, const FusionOptions& fusion, double residual_weight,
                                       int start_layer, const std::string& method) {
  check_attention_maps(maps, method);
  std::vector<RowMatrix> out;
  for (int l : require_layer_range(maps, start_layer, method)) out.push_back(add_residual(fuse_heads(maps, l, fusion), residual_weight));
  return out;
}

bool is_lower_triangular(const AttentionMaps& maps) {
  const int S = maps.seq_len;
  for (size_t m = 0; m < maps.layers.size() * static_cast<size_t>(maps.num_heads); ++m) {
    const float* a = maps.data.data() + m * maps.matrix_size();
    for (int i = 0; i < S; ++i)
      for (int j = i + 1; j < S; ++j)
        if (a[static_cast<size_t>(i) * S + j] != 0.0f) return false;
  }
  return true;
}

}  // namespace attnscope
