#pragma once

#include <cstdint>
#include <vector>

#include "core/common/progress.h"
#include "core/common/tensor.h"
#include "core/models/attention_maps.h"
#include "core/models/layers.h"

namespace attnscope {

// One layer's queries and keys with everything its scores need: what a long input keeps instead of
// its maps (ForwardOptions::query_keys). H heads of d features at S tokens take 4 S d (H + Hkv)
// bytes, against 4 H S^2 for the maps; any map is recomputed from them, bit for bit what the
// forward pass would have captured, because the same code (layers::attention_weight_rows) makes it
// in the same row blocks.
struct LayerQueryKeys {
  int layer = -1;
  int seq_len = 0;
  RowMatrix q;  // [S, H d]   as the scores use them: after projection, bias, q/k norm and rotary; not scaled
  RowMatrix k;  // [S, Hkv d] likewise
  // The layer's heads, scaling and masks as the forward pass gave them, its pointers cleared: the
  // arrays they pointed to are kept below (params() points back to them).
  layers::AttentionParams shape;
  std::vector<int64_t> key_mask;  // [S] 0 = padding key; empty = all real
  RowMatrix relative_bias;        // T5: [H, 2S - 1], the bias of key j for query i at j - i + S - 1; else empty

  // What the forward pass ran with (without its outputs: scores, capture, timing).
  static LayerQueryKeys keep(int layer, const RowMatrix& q, const RowMatrix& k, const layers::AttentionParams& p);
  layers::AttentionParams params() const;
  int num_heads() const { return shape.num_heads; }

  uint64_t bytes() const;
};

// The layers of one forward pass kept as queries and keys, ascending by layer.
struct QueryKeyCapture {
  int num_layers = 0;  // layers of the model
  std::vector<LayerQueryKeys> layers;

  bool empty() const { return layers.empty(); }
  // One empty entry per layer of captured_layers(layers, layers_total), filled by the forward pass.
  void select(const std::vector<int>& layers, int layers_total);
  const LayerQueryKeys* find(int layer) const;
  LayerQueryKeys* find(int layer);
  // Throws Error(Usage) "the queries and keys of layer N were not kept (kept: ...)".
  const LayerQueryKeys& layer(int layer) const;
  uint64_t bytes() const;
};

// Rows [row_begin, row_end) of head `head`'s attention weights into out [rows, S] (row-major,
// float32): equal to rows of the map the forward pass captures. Computes the forward's whole row
// blocks (at most 128 rows at a time) and keeps the asked rows.
void attention_rows(const LayerQueryKeys& layer, int head, int row_begin, int row_end, float* out);
// Head `head`'s whole [S, S] map.
RowMatrix attention_map(const LayerQueryKeys& layer, int head);

enum class OverviewReduce { Max, Mean };
// A down-sampled map: cell (a, b) the max or mean of the weights of query rows
// [a*block, (a+1)*block) and keys [b*block, (b+1)*block) (the last blocks may be shorter), for a
// block of ceil(S / cells) tokens: at most cells x cells. Computed row block by row block; never
// holds S x S.
struct AttentionOverview {
  int block = 1;  // tokens per cell side
  RowMatrix cells;
};
AttentionOverview attention_overview(const LayerQueryKeys& layer, int head, int cells, OverviewReduce reduce);

// The maps of `layers` (all kept layers when empty) recomputed into AttentionMaps, as if captured.
// Progress per layer; a cancelled call returns empty maps.
AttentionMaps recompute_maps(const QueryKeyCapture& capture, const std::vector<int>& layers = {},
                             const ProgressFn& progress = {});

}  // namespace attnscope
