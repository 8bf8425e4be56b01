#pragma once

#include <cstdint>
#include <vector>

#include "core/common/tensor.h"

namespace attnscope {

// Where a forward pass writes one layer's [num_heads, S, S] attention probabilities: float32 or
// float16 storage, or nowhere (both null: the layer is not captured).
struct AttentionSink {
  float* f32 = nullptr;
  Eigen::half* f16 = nullptr;
  bool empty() const { return !f32 && !f16; }
};

// ForwardOptions::layers as the layers a run captures: sorted, duplicates dropped, all when empty.
// Throws Error(Usage) for a layer outside [0, layers_total).
std::vector<int> captured_layers(const std::vector<int>& wanted, int layers_total);

// Captured attention probabilities (post-softmax), float32 or, to halve the memory, float16.
//
// attention[layer][head] is a row-major [query, key] matrix of size seq_len x seq_len (or, for
// cross-attention, seq_len queries x key_len keys); each row sums to 1. For causal models every entry with key > query is exactly 0. Only the layers listed
// in `layers` are stored, in ascending order, so data is [layers.size(), num_heads, S, S].
// Float16 maps (ForwardOptions::attention_f16) keep the values in `data_f16` (rounded to nearest)
// and leave `data` empty: read them with head_f32(), which converts; head() and head_data() are
// for float32 maps only.
struct AttentionMaps {
  int num_layers = 0;       // layers of the model
  int num_heads = 0;
  int seq_len = 0;
  int key_len = 0;          // cross-attention: keys of another sequence; 0 = seq_len (self-attention)
  std::vector<int> layers;  // captured model layers, ascending
  std::vector<float> data;  // float32 storage
  std::vector<Eigen::half> data_f16;  // float16 storage
  bool f16 = false;         // which of the two holds the maps

  bool empty() const { return layers.empty(); }
  bool has_layer(int layer) const;
  int slot(int layer) const;  // index of `layer` in `layers`; throws Error(Usage) if not captured
  int keys() const { return key_len > 0 ? key_len : seq_len; }
  size_t matrix_size() const { return static_cast<size_t>(seq_len) * keys(); }

  // Float32 maps only (throws Error(Usage) for float16 ones).
  float* head_data(int layer, int head);
  const float* head_data(int layer, int head) const;
  MatrixMap head(int layer, int head) { return MatrixMap(head_data(layer, head), seq_len, keys()); }
  ConstMatrixMap head(int layer, int head) const { return ConstMatrixMap(head_data(layer, head), seq_len, keys()); }
  // Any maps, as float32: a map over the data when stored as float32 (no copy), else the head
  // converted into `scratch`, which the result then points into.
  ConstMatrixMap head_f32(int layer, int head, RowMatrix& scratch) const;

  // Allocates zeroed storage for the given layers (all when empty); `keys` > 0: cross-attention
  // over that many keys.
  void allocate(int layers_total, int heads, int seq, const std::vector<int>& capture, bool as_f16 = false, int keys = 0);
  // For the forward passes: where layer `layer` writes its probabilities (empty if not captured).
  AttentionSink layer_sink(int layer);

  // Shape of the maps: [layers.size(), num_heads, S, keys()].
  Shape shape() const;
  uint64_t bytes() const { return data.size() * sizeof(float) + data_f16.size() * sizeof(Eigen::half); }
};

}  // namespace attnscope
