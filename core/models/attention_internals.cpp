#include "core/models/attention_internals.h"

#include <algorithm>
#include <string>

#include "core/common/error.h"

namespace attnscope {

const LayerInternals* AttentionInternals::find(int layer) const {
  for (const auto& l : layers)
    if (l.layer == layer) return &l;
  return nullptr;
}

LayerInternals* AttentionInternals::find(int layer) {
  for (auto& l : layers)
    if (l.layer == layer) return &l;
  return nullptr;
}

const LayerInternals& AttentionInternals::layer(int layer) const {
  if (const LayerInternals* l = find(layer)) return *l;
  std::string captured;
  for (const auto& l : layers) captured += (captured.empty() ? "" : ", ") + std::to_string(l.layer);
  fail(ErrorKind::Usage, "the internals (q, k, v, context) of layer " + std::to_string(layer) +
                             " were not captured (captured: " + (captured.empty() ? "none" : captured) +
                             "; list the layer in ForwardOptions::capture_internals)");
}

void AttentionInternals::select(const std::vector<int>& capture, int layers_total) {
  layers.clear();
  std::vector<int> wanted = capture;
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  for (int l : wanted) {
    if (l < 0 || l >= layers_total)
      fail(ErrorKind::Usage, "capture_internals: layer " + std::to_string(l) + " is out of range (the model has " +
                                 std::to_string(layers_total) + " layers, numbered from 0)");
    LayerInternals li;
    li.layer = l;
    layers.push_back(std::move(li));
  }
}

}  // namespace attnscope
