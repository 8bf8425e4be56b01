#include "tests/support/checkpoint_tensors.h"

#include <gtest/gtest.h>

namespace attnscope::test {

Tensor layer_tensor(const SafetensorsFile& f, const std::string& prefix, int layer, const std::string& suffix) {
  const std::string tail = prefix + std::to_string(layer) + suffix;
  for (const TensorInfo& t : f.tensors())
    if (t.name.size() >= tail.size() && t.name.compare(t.name.size() - tail.size(), tail.size(), tail) == 0 &&
        (t.name.size() == tail.size() || t.name[t.name.size() - tail.size() - 1] == '.'))
      return f.tensor(t.name);
  ADD_FAILURE() << "no tensor ends with " << tail;
  return {};
}

std::vector<std::vector<double>> linear_in_out(const Tensor& w, bool conv1d) {
  if (w.shape.size() != 2) return {};
  const int64_t r = w.shape[0], k = w.shape[1];
  const int64_t in = conv1d ? r : k, out = conv1d ? k : r;
  std::vector<std::vector<double>> m(static_cast<size_t>(in), std::vector<double>(static_cast<size_t>(out)));
  for (int64_t i = 0; i < in; ++i)
    for (int64_t o = 0; o < out; ++o) m[size_t(i)][size_t(o)] = conv1d ? w.data[size_t(i * k + o)] : w.data[size_t(o * k + i)];
  return m;
}

}  // namespace attnscope::test
