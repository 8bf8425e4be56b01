#pragma once

#include <cstdint>
#include <vector>

#include "core/common/tensor.h"

namespace attnscope {

// Captured attention probabilities (post-softmax), float32.
//
// attention[layer][head] is a row-major [query, key] matrix of size seq_len x seq_len; each row
// sums to 1. For causal models every entry with key > query is exactly 0. Only the layers listed
// in `layers` are stored, in ascending order, so data is [layers.size(), num_heads, S, S].
struct AttentionMaps {
  int num_layers = 0;       // layers of the model
  int num_heads = 0;
  int seq_len = 0;
  std::vector<int> layers;  // captured model layers, ascending
  std::vector<float> data;

  bool empty() const { return layers.empty(); }
  bool has_layer(int layer) const;
  int slot(int layer) const;  // index of `layer` in `layers`; throws Error(Usage) if not captured
  size_t matrix_size() const { return static_cast<size_t>(seq_len) * seq_len; }

  float* head_data(int layer, int head);
  const float* head_data(int layer, int head) const;
  MatrixMap head(int layer, int head) { return MatrixMap(head_data(layer, head), seq_len, seq_len); }
  ConstMatrixMap head(int layer, int head) const { return ConstMatrixMap(head_data(layer, head), seq_len, seq_len); }

  // Allocates zeroed storage for the given layers (all when empty).
  void allocate(int layers_total, int heads, int seq, const std::vector<int>& capture);
  // Shape of `data`: [layers.size(), num_heads, S, S].
  Shape shape() const;
  uint64_t bytes() const { return data.size() * sizeof(float); }
};

}  // namespace attnscope
