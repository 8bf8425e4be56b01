#pragma once

#include <array>
#include <chrono>
#include <string>
#include <vector>

namespace attnscope {

// The parts of one transformer layer, as timed by ForwardOptions::profile and counted by the
// cost model (core/analysis/cost_model.h):
//   QkvProjection     the Q, K and V linear maps (with their biases)
//   Scores            q . k for every head and (query, key) pair: the [H, S, S] product
//   Softmax           scaling, masking, max, exp, sum and normalisation of the scores
//   WeightedSum       Σ_j w_ij v_j for every head: the [H, S, S] x [S, d] product
//   OutputProjection  the linear map of the concatenated heads back to the hidden size
//   Mlp               the feed-forward block: its matrices and activation (and SwiGLU's gating)
//   Other             layer norms, residual adds, rotary embeddings, the hidden-state copy and,
//                     when on, the capture of the internals
enum class LayerPart { QkvProjection, Scores, Softmax, WeightedSum, OutputProjection, Mlp, Other };
constexpr int kLayerPartCount = 7;
constexpr std::array<LayerPart, kLayerPartCount> kLayerParts = {
    LayerPart::QkvProjection, LayerPart::Scores, LayerPart::Softmax, LayerPart::WeightedSum,
    LayerPart::OutputProjection, LayerPart::Mlp, LayerPart::Other};

// "qkv_projection", "scores", "softmax", "weighted_sum", "output_projection", "mlp", "other".
const char* to_string(LayerPart part);

// Wall-clock seconds of one layer, by part.
struct LayerProfile {
  std::array<double, kLayerPartCount> seconds{};

  double& operator[](LayerPart p) { return seconds[static_cast<size_t>(p)]; }
  double operator[](LayerPart p) const { return seconds[static_cast<size_t>(p)]; }
  double total() const;
};

// Where the time of one forward pass went (ForwardOptions::profile = true). Times are wall
// clock (std::chrono::steady_clock). The heads of a layer run in parallel, so Scores, Softmax
// and WeightedSum cannot each be timed on the wall clock: the attention call's wall time is
// split between them in proportion to the thread time each took (summed over the heads).
struct ForwardProfile {
  int seq_len = 0;
  int threads = 0;                   // threads the pass ran with
  std::vector<LayerProfile> layers;  // [num_layers], by model layer
  double outside_seconds = 0;        // embeddings, final norm, heads, progress callbacks
  double total_seconds = 0;          // the whole forward(); = Σ layers + outside

  bool empty() const { return layers.empty(); }
  // Σ over the layers of one part.
  double part_seconds(LayerPart part) const;
};

// Thread time (seconds summed over the heads) of the parts of one self-attention call; filled
// by layers::self_attention when AttentionParams::timing is set.
struct AttentionTiming {
  double scores = 0;
  double softmax = 0;
  double weighted_sum = 0;
  double capture = 0;  // wall time of copying the internals (serial)
};

// The profiler the forward passes use. Made with a null sink (profiling off) every call returns
// at once: no clock reads, no allocation. Usage, in a forward pass:
//   ForwardClock clock(opt.profile ? &res.profile : nullptr, n_layers, S, threads);
//   ap.timing = clock.attention_timing();
//   per layer: clock.begin_layer(il); ...; clock.lap(LayerPart::QkvProjection); ...;
//              self_attention(...); clock.lap_attention(); ...; clock.end_layer();
//   before returning: clock.finish();
// lap(part) adds the time since the previous lap (or begin_layer) to `part` of the current layer.
class ForwardClock {
 public:
  ForwardClock(ForwardProfile* sink, int num_layers, int seq_len, int threads);
  AttentionTiming* attention_timing() { return sink_ ? &attention_ : nullptr; }
  void begin_layer(int layer);
  void lap(LayerPart part);
  // The time since the previous lap, split over Scores / Softmax / WeightedSum by the thread
  // times in attention_timing() (then reset); the capture copy goes to Other.
  void lap_attention();
  void end_layer() { lap(LayerPart::Other); }
  void finish();

 private:
  using Clock = std::chrono::steady_clock;
  double since_last();
  ForwardProfile* sink_;
  AttentionTiming attention_;
  Clock::time_point start_, last_;
  int layer_ = 0;
};

// Element-wise median of several profiles of the same model and length (e.g. repeated runs).
ForwardProfile median_profile(const std::vector<ForwardProfile>& runs);

}  // namespace attnscope
