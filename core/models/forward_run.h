#pragma once

#include <array>
#include <string>
#include <vector>

#include "core/models/layers.h"
#include "core/models/model.h"

namespace attnscope {

// The setup, capture points and finish every forward pass shares. A model's forward() is
//   ForwardRun run(info_, S, opt, progress);
//   ... run.cb(x, Tap::Hidden, -1);
//   per layer: run.begin_layer(il); ... run.cb(cur, Tap::AttnIn, il); ...
//              run.attend(q, k, v, ap, il, ctx); ...; if (!run.end_layer(x, il)) return cancelled_result();
//   return run.finish(last);   (after setting run.result().logits / extras)
// What the options ask for is wired up here as subscriptions to the named capture points
// (capture.h): the attention maps (attn_probs), hidden states (hidden), the internals that
// explain_head() needs (q, k, v, ctx), any ForwardOptions::taps, and the profiler, which laps a
// LayerPart at each announcement. Nothing is copied for a point nobody subscribed to.
class ForwardRun {
 public:
  // Checks the length against info.max_positions ("N tokens exceed <limit_key> (M)", or "the
  // model's limit of M positions" without a key), sets the threads and allocates the captures.
  // `past`: tokens already in a KV cache before these seq_len (the limit counts both; the maps
  // get past + seq_len keys; internals cannot be captured).
  ForwardRun(const ModelInfo& info, int seq_len, const ForwardOptions& options, const ProgressFn& progress,
             const std::string& limit_key = "", int past = 0);
  ForwardRun(const ForwardRun&) = delete;
  ForwardRun& operator=(const ForwardRun&) = delete;

  int seq_len() const { return seq_len_; }
  int past() const { return past_; }
  ForwardResult& result() { return res_; }

  // Announces `t` as capture point `tap` of layer `il` (hidden: -1 = embeddings).
  void cb(const RowMatrix& t, Tap tap, int il);
  void begin_layer(int il);
  // layers::self_attention with this run's subscriptions (maps, scores, internals, timing), then
  // announces ctx.
  void attend(const RowMatrix& q, const RowMatrix& k, const RowMatrix& v, layers::AttentionParams ap, int il,
              RowMatrix& ctx);
  // Announces the layer's output, closes its profile and reports progress; false = cancelled.
  bool end_layer(const RowMatrix& x, int il);
  // Sets last_hidden_state [S, D] and closes the profile.
  ForwardResult finish(const RowMatrix& last);

 private:
  bool wanted(Tap tap, int il) const;
  Tensor* tapped_slot(Tap tap, int il, const Shape& shape);

  const ModelInfo& info_;
  const ForwardOptions& opt_;
  const ProgressFn& progress_;
  int seq_len_;
  int past_;
  layers::ThreadScope threads_;
  ForwardResult res_;
  ForwardClock clock_;
  bool profiling_;
  // wanted_[tap][il + 1]: a ForwardOptions::taps subscription.
  std::array<std::vector<char>, kTapCount> wanted_{};
};

}  // namespace attnscope
