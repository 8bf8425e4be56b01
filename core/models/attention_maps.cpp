#include "core/models/attention_maps.h"

#include <algorithm>
#include <string>

#include "core/common/error.h"

namespace attnscope {

bool AttentionMaps::has_layer(int layer) const { return std::binary_search(layers.begin(), layers.end(), layer); }

int AttentionMaps::slot(int layer) const {
  auto it = std::lower_bound(layers.begin(), layers.end(), layer);
  if (it == layers.end() || *it != layer)
    fail(ErrorKind::Usage, "attention of layer " + std::to_string(layer) + " was not captured");
  return static_cast<int>(it - layers.begin());
}

float* AttentionMaps::head_data(int layer, int head) {
  return data.data() + (static_cast<size_t>(slot(layer)) * num_heads + head) * matrix_size();
}

const float* AttentionMaps::head_data(int layer, int head) const {
  return data.data() + (static_cast<size_t>(slot(layer)) * num_heads + head) * matrix_size();
}

void AttentionMaps::allocate(int layers_total, int heads, int seq, const std::vector<int>& capture) {
  num_layers = layers_total;
  num_heads = heads;
  seq_len = seq;
  layers.clear();
  if (capture.empty()) {
    for (int l = 0; l < layers_total; ++l) layers.push_back(l);
  } else {
    for (int l : capture) {
      if (l < 0 || l >= layers_total)
        fail(ErrorKind::Usage, "layer " + std::to_string(l) + " is out of range (the model has " +
                                   std::to_string(layers_total) + " layers, numbered from 0)");
      layers.push_back(l);
    }
    std::sort(layers.begin(), layers.end());
    layers.erase(std::unique(layers.begin(), layers.end()), layers.end());
  }
  data.assign(layers.size() * static_cast<size_t>(heads) * matrix_size(), 0.0f);
}

Shape AttentionMaps::shape() const {
  return {static_cast<int64_t>(layers.size()), num_heads, seq_len, seq_len};
}

}  // namespace attnscope
