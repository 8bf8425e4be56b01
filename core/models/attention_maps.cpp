#include "core/models/attention_maps.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
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

namespace {

// n zeros. The pages are faulted in with one madvise(MADV_POPULATE_WRITE) call (Linux >= 5.14;
// on older kernels it fails and the writes fault them in as usual): page faults are what a capture
// of hundreds of MB mostly costs, and batched they take about a third less time (measured on the
// benchmark machine, see docs/performance.md).
template <typename T>
void assign_zeros(std::vector<T>& v, size_t n) {
  v.clear();
  v.reserve(n);
#ifdef MADV_POPULATE_WRITE
  const uintptr_t page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(v.data()) + page - 1) & ~(page - 1);
  const uintptr_t end = reinterpret_cast<uintptr_t>(v.data() + n) & ~(page - 1);
  if (end > begin + (uintptr_t{1} << 20)) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE);
#endif
  v.assign(n, T(0.0f));
}

void require_f32(const AttentionMaps& m) {
  if (m.f16) fail(ErrorKind::Usage, "the attention maps are stored as float16: read them with head_f32()");
}

}  // namespace

float* AttentionMaps::head_data(int layer, int head) {
  require_f32(*this);
  return data.data() + (static_cast<size_t>(slot(layer)) * num_heads + head) * matrix_size();
}

const float* AttentionMaps::head_data(int layer, int head) const {
  require_f32(*this);
  return data.data() + (static_cast<size_t>(slot(layer)) * num_heads + head) * matrix_size();
}

ConstMatrixMap AttentionMaps::head_f32(int layer, int head, RowMatrix& scratch) const {
  if (!f16) return this->head(layer, head);
  const size_t offset = (static_cast<size_t>(slot(layer)) * num_heads + head) * matrix_size();
  using HalfMap = Eigen::Map<const Eigen::Matrix<Eigen::half, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;
  scratch = HalfMap(data_f16.data() + offset, seq_len, keys()).cast<float>();
  return ConstMatrixMap(scratch.data(), seq_len, keys());
}

AttentionSink AttentionMaps::layer_sink(int layer) {
  AttentionSink sink;
  if (!has_layer(layer)) return sink;
  const size_t offset = static_cast<size_t>(slot(layer)) * num_heads * matrix_size();
  if (f16) sink.f16 = data_f16.data() + offset;
  else sink.f32 = data.data() + offset;
  return sink;
}

std::vector<int> captured_layers(const std::vector<int>& wanted, int layers_total) {
  std::vector<int> layers;
  if (wanted.empty()) {
    for (int l = 0; l < layers_total; ++l) layers.push_back(l);
    return layers;
  }
  for (int l : wanted) {
    if (l < 0 || l >= layers_total)
      fail(ErrorKind::Usage, "layer " + std::to_string(l) + " is out of range (the model has " + std::to_string(layers_total) +
                                 " layers, numbered from 0)");
    layers.push_back(l);
  }
  std::sort(layers.begin(), layers.end());
  layers.erase(std::unique(layers.begin(), layers.end()), layers.end());
  return layers;
}

void AttentionMaps::allocate(int layers_total, int heads, int seq, const std::vector<int>& capture, bool as_f16, int keys) {
  num_layers = layers_total;
  num_heads = heads;
  seq_len = seq;
  key_len = keys;
  layers = captured_layers(capture, layers_total);
  f16 = as_f16;
  const size_t n = layers.size() * static_cast<size_t>(heads) * matrix_size();
  if (f16) {
    std::vector<float>().swap(data);
    assign_zeros(data_f16, n);
  } else {
    std::vector<Eigen::half>().swap(data_f16);
    assign_zeros(data, n);
  }
}

Shape AttentionMaps::shape() const {
  return {static_cast<int64_t>(layers.size()), num_heads, seq_len, keys()};
}

}  // namespace attnscope
