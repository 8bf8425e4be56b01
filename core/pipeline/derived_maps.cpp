#include "core/pipeline/derived_maps.h"

#include <algorithm>

#include "core/analysis/flow.h"
#include "core/analysis/rollout.h"
#include "core/analysis/contributions.h"
#include "core/analysis/value_norm.h"
#include "core/common/error.h"

namespace attnscope {

PatchGrid patch_grid(const Analysis& a) {
  PatchGrid g;
  if (a.model.modality != Modality::Image || a.geometry.empty()) return g;
  g.prefix_tokens = a.geometry.prefix_tokens;
  g.rows = a.geometry.rows;
  g.cols = a.geometry.cols;
  g.patch_size = a.geometry.patch_size;
  return g;
}

TokenRoles token_roles(const Analysis& a) {
  if (a.model.modality == Modality::Image) return image_token_roles(patch_grid(a), a.seq_len());
  return text_token_roles(a.encoding, a.model.causal);
}

const char* to_string(MapMethod m) {
  switch (m) {
    case MapMethod::Raw: return "raw";
    case MapMethod::Mean: return "mean";
    case MapMethod::Max: return "max";
    case MapMethod::Min: return "min";
    case MapMethod::Rollout: return "rollout";
    case MapMethod::Flow: return "flow";
  }
  return "raw";
}

MapMethod parse_map_method(const std::string& name) {
  for (MapMethod m : {MapMethod::Raw, MapMethod::Mean, MapMethod::Max, MapMethod::Min, MapMethod::Rollout, MapMethod::Flow})
    if (name == to_string(m)) return m;
  fail(ErrorKind::Usage, "unknown method '" + name + "' (raw, mean, max, min, rollout, flow)");
}

DerivedMaps derived_maps(const Analysis& a, const DerivedMapOptions& o, const ProgressFn& progress) {
  DerivedMaps out;
  const AttentionMaps& maps = a.forward.attentions;
  FusionOptions fusion;
  fusion.heads = o.heads;
  if (o.method == MapMethod::Max) fusion.method = HeadFusion::Max;
  if (o.method == MapMethod::Min) fusion.method = HeadFusion::Min;
  auto tensor = [](const RowMatrix& x) {
    Tensor t({x.rows(), x.cols()});
    t.matrix() = x;
    return t;
  };
  RowMatrix m;
  switch (o.method) {
    case MapMethod::Raw: return out;
    case MapMethod::Mean: case MapMethod::Max: case MapMethod::Min:
      out.maps.emplace_back("fused", fuse_layers(maps, fusion));
      return out;
    case MapMethod::Rollout: {
      RolloutOptions r;
      r.fusion = fusion;
      r.start_layer = o.start_layer;
      r.discard_ratio = o.discard_ratio;
      m = attention_rollout(maps, r);
      break;
    }
    case MapMethod::Flow: {
      FlowOptions f;
      f.fusion = fusion;
      f.start_layer = o.start_layer;
      f.threads = o.threads;
      f.rows = o.rows;
      FlowResult r = attention_flow(maps, f, progress);
      if (r.cancelled) {
        out.cancelled = true;
        return out;
      }
      out.summary = "attention flow: " + group_thousands(r.cost.solves) + " max-flow problems in " +
                    std::to_string(static_cast<int>(r.seconds * 1000)) + " ms";
      m = std::move(r.flow);
      break;
    }
  }
  out.maps.emplace_back(to_string(o.method), tensor(m));
  const PatchGrid grid = patch_grid(a);
  if (grid.rows > 0 && o.method == MapMethod::Flow && !o.rows.empty()) {
    // The rows solved are m's rows in order: the CLS map exists when row 0 is one of them.
    const auto cls = std::find(o.rows.begin(), o.rows.end(), 0);
    if (cls != o.rows.end()) {
      RowMatrix cls_map(grid.rows, grid.cols);  // [rows, cols]
      for (int p = 0; p < grid.rows * grid.cols; ++p) cls_map(p / grid.cols, p % grid.cols) = m(cls - o.rows.begin(), grid.prefix_tokens + p);
      out.maps.emplace_back("flow_cls", tensor(cls_map));
    }
  } else if (grid.rows > 0) {
    out.maps.emplace_back(std::string(to_string(o.method)) + "_cls", tensor(patch_map(m, 0, grid)));
  }
  return out;
}

TapRequest value_norm_taps(const std::vector<int>& layers) { return TapRequest{Tap::V, layers}; }

ConstMatrixMap ValueNormMaps::map(int model_layer, int head) const {
  const auto it = std::find(layers.begin(), layers.end(), model_layer);
  if (it == layers.end()) fail(ErrorKind::Usage, "value norms of layer " + std::to_string(model_layer) + " were not computed");
  const int64_t slot = it - layers.begin();
  if (head < 0) return layer.matrix(slot);
  if (head >= num_heads) fail(ErrorKind::Usage, "head " + std::to_string(head) + " is out of range (the model has " + std::to_string(num_heads) + " heads)");
  return heads.matrix(slot * num_heads + head);
}

ValueNormMaps value_norm_maps(const Analysis& a, const Model& model, const ProgressFn& progress) {
  const AttentionMaps& att = a.forward.attentions;
  const int L = static_cast<int>(att.layers.size()), H = att.num_heads, S = att.seq_len;
  ValueNormMaps out;
  out.num_heads = H;
  out.heads = Tensor({L, H, S, S});
  out.layer = Tensor({L, S, S});
  const size_t head_block = static_cast<size_t>(H) * S * S, layer_block = static_cast<size_t>(S) * S;
  for (int slot = 0; slot < L; ++slot) {
    const int l = att.layers[static_cast<size_t>(slot)];
    const Tensor* v = a.forward.find_tapped(Tap::V, l);
    if (!v) fail(ErrorKind::Usage, "value norms: the values of layer " + std::to_string(l) + " were not captured (run with the v capture point)");
    const ValueNorms n = value_norms(att, l, *v, model.attention_output_weight(l), a.model.num_kv_heads > 0 ? a.model.num_kv_heads : H);
    std::copy(n.heads.data.begin(), n.heads.data.end(), out.heads.data.begin() + static_cast<std::ptrdiff_t>(slot * head_block));
    std::copy(n.layer.data.begin(), n.layer.data.end(), out.layer.data.begin() + static_cast<std::ptrdiff_t>(slot * layer_block));
    if (progress && !progress(Progress{slot + 1, L, "value norms"})) return ValueNormMaps();
  }
  out.layers = att.layers;
  return out;
}

RowMatrix value_norm_rollout(const ValueNormMaps& n, int num_layers, int start_layer, const ProgressFn& progress) {
  if (n.empty()) fail(ErrorKind::Usage, "value-norm rollout: no value norms");
  const int S = static_cast<int>(n.layer.shape[1]);
  AttentionMaps rows;  // one "head" per layer: the row-normalised summed norms
  rows.allocate(num_layers, 1, S, n.layers);
  for (int l : n.layers) {
    MatrixMap out = rows.head(l, 0);
    out = n.map(l, -1);
    for (int i = 0; i < S; ++i) {
      const float sum = out.row(i).sum();
      if (sum > 0) out.row(i) /= sum;
    }
  }
  RolloutOptions o;
  o.start_layer = start_layer;
  return attention_rollout(rows, o, progress);
}

ConstMatrixMap ContributionMaps::map(int model_layer, bool aggregate) const {
  const auto it = std::find(layers.begin(), layers.end(), model_layer);
  if (it == layers.end()) fail(ErrorKind::Usage, "contributions of layer " + std::to_string(model_layer) + " were not computed");
  return (aggregate ? aggregated : layer).matrix(it - layers.begin());
}

ContributionMaps contribution_maps(const Analysis& a, const Model& model, const ProgressFn& progress) {
  const AttentionMaps& att = a.forward.attentions;
  const int L = a.model.num_layers, S = att.seq_len;
  for (int l = 0; l < L; ++l)
    if (!att.has_layer(l))
      fail(ErrorKind::Usage, "contributions: ALTI aggregates from the first layer, and layer " + std::to_string(l) + " was not captured");
  const Tensor& hidden = a.forward.hidden_states;  // [L+1, S, D]
  if (hidden.shape.size() != 3 || hidden.shape[0] != L + 1 || hidden.shape[1] != S)
    fail(ErrorKind::Usage, "contributions: the run did not keep its hidden states (the stream entering each layer)");
  const int D = static_cast<int>(hidden.shape[2]);
  ContributionMaps out;
  out.layer = Tensor({L, S, S});
  out.aggregated = Tensor({L, S, S});
  RowMatrix aggregated;  // [S, S] through the previous layer
  for (int l = 0; l < L; ++l) {
    const Tensor* v = a.forward.find_tapped(Tap::V, l);
    if (!v) fail(ErrorKind::Usage, "contributions: the values of layer " + std::to_string(l) + " were not captured (run with the v capture point)");
    const ConstMatrixMap residual(hidden.data.data() + static_cast<size_t>(l) * S * D, S, D);
    const RowMatrix c = alti_contributions(att, l, *v, model.attention_output_weight(l), a.model.num_kv_heads > 0 ? a.model.num_kv_heads : att.num_heads,
                                           residual, model.attention_post_norm(l));
    aggregated = alti_aggregate(aggregated, c);
    out.layer.matrix(l) = c;
    out.aggregated.matrix(l) = aggregated;
    if (progress && !progress(Progress{l + 1, L, "contributions"})) return ContributionMaps();
  }
  out.layers = att.layers;
  return out;
}

}  // namespace attnscope
