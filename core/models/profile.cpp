#include "core/models/profile.h"

#include <algorithm>
#include <numeric>

#include "core/common/error.h"

namespace attnscope {

const char* to_string(LayerPart part) {
  switch (part) {
    case LayerPart::QkvProjection: return "qkv_projection";
    case LayerPart::Scores: return "scores";
    case LayerPart::Softmax: return "softmax";
    case LayerPart::WeightedSum: return "weighted_sum";
    case LayerPart::OutputProjection: return "output_projection";
    case LayerPart::Mlp: return "mlp";
    case LayerPart::Other: return "other";
  }
  return "?";
}

double LayerProfile::total() const { return std::accumulate(seconds.begin(), seconds.end(), 0.0); }

double ForwardProfile::part_seconds(LayerPart part) const {
  double s = 0;
  for (const auto& l : layers) s += l[part];
  return s;
}

ForwardClock::ForwardClock(ForwardProfile* sink, int num_layers, int seq_len, int threads) : sink_(sink) {
  if (!sink_) return;
  *sink_ = ForwardProfile{};
  sink_->seq_len = seq_len;
  sink_->threads = threads;
  sink_->layers.resize(static_cast<size_t>(num_layers));
  start_ = last_ = Clock::now();
}

double ForwardClock::since_last() {
  const Clock::time_point now = Clock::now();
  const double s = std::chrono::duration<double>(now - last_).count();
  last_ = now;
  return s;
}

void ForwardClock::begin_layer(int layer) {
  if (!sink_) return;
  layer_ = layer;
  last_ = Clock::now();
}

void ForwardClock::lap(LayerPart part) {
  if (!sink_) return;
  sink_->layers[static_cast<size_t>(layer_)][part] += since_last();
}

void ForwardClock::lap_attention() {
  if (!sink_) return;
  LayerProfile& l = sink_->layers[static_cast<size_t>(layer_)];
  const double wall = since_last();
  const double capture = std::min(attention_.capture, wall);
  const double heads = wall - capture;
  const double thread_total = attention_.scores + attention_.softmax + attention_.weighted_sum;
  if (thread_total > 0) {
    l[LayerPart::Scores] += heads * attention_.scores / thread_total;
    l[LayerPart::Softmax] += heads * attention_.softmax / thread_total;
    l[LayerPart::WeightedSum] += heads * attention_.weighted_sum / thread_total;
  } else {
    l[LayerPart::Scores] += heads;
  }
  l[LayerPart::Other] += capture;
  attention_ = AttentionTiming{};
}

void ForwardClock::finish() {
  if (!sink_) return;
  sink_->total_seconds = std::chrono::duration<double>(Clock::now() - start_).count();
  double layers = 0;
  for (const auto& l : sink_->layers) layers += l.total();
  sink_->outside_seconds = std::max(0.0, sink_->total_seconds - layers);
}

ForwardProfile median_profile(const std::vector<ForwardProfile>& runs) {
  if (runs.empty()) return {};
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t m = v.size() / 2;
    return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
  };
  ForwardProfile out = runs.front();
  for (const auto& r : runs)
    if (r.layers.size() != out.layers.size() || r.seq_len != out.seq_len)
      fail(ErrorKind::Usage, "median_profile: the runs differ in length or layer count");
  std::vector<double> v(runs.size());
  auto take = [&](auto get) {
    for (size_t i = 0; i < runs.size(); ++i) v[i] = get(runs[i]);
    return median(v);
  };
  for (size_t l = 0; l < out.layers.size(); ++l)
    for (LayerPart p : kLayerParts) out.layers[l][p] = take([&](const ForwardProfile& r) { return r.layers[l][p]; });
  out.outside_seconds = take([](const ForwardProfile& r) { return r.outside_seconds; });
  out.total_seconds = take([](const ForwardProfile& r) { return r.total_seconds; });
  return out;
}

}  // namespace attnscope
