#include "core/models/forward_run.h"

#include <algorithm>

#include "core/common/error.h"

namespace attnscope {

namespace {

// The part of a layer that ends where a tap is announced (the profiler's subscription).
LayerPart part_ending_at(Tap tap) {
  switch (tap) {
    case Tap::V: return LayerPart::QkvProjection;
    case Tap::AttnOut: return LayerPart::OutputProjection;
    case Tap::MlpOut: return LayerPart::Mlp;
    default: return LayerPart::Other;
  }
}

}  // namespace

ForwardRun::ForwardRun(const ModelInfo& info, int seq_len, const ForwardOptions& opt, const ProgressFn& progress,
                       const std::string& limit_key, int past)
    : info_(info),
      opt_(opt),
      progress_(progress),
      seq_len_(seq_len),
      past_(past),
      threads_(opt.threads),
      clock_(opt.profile ? &res_.profile : nullptr, info.num_layers, seq_len, threads_.threads()),
      profiling_(opt.profile) {
  const int S = seq_len, L = info.num_layers;
  if (S == 0) fail(ErrorKind::Input, "no tokens to run");
  if (past > 0 && !opt.capture_internals.empty())
    fail(ErrorKind::Usage, "attention internals cannot be captured after a KV cache (run the whole sequence)");
  if (info.max_positions > 0 && int64_t(past) + S > info.max_positions)
    fail(ErrorKind::Input, std::to_string(int64_t(past) + S) + " tokens exceed " +
                               (limit_key.empty() ? "the model's limit of " + std::to_string(info.max_positions) + " positions"
                                                  : limit_key + " (" + std::to_string(info.max_positions) + ")"));
  if (opt.query_keys) {
    if (past > 0) fail(ErrorKind::Usage, "queries and keys cannot be kept after a KV cache (run the whole sequence)");
    res_.query_keys.select(opt.layers, L);
    res_.attentions.num_layers = L;  // the shape only: no layer is kept as maps
    res_.attentions.num_heads = info.num_heads;
    res_.attentions.seq_len = S;
  } else {
    res_.attentions.allocate(L, info.num_heads, S, opt.layers, opt.attention_f16, past > 0 ? past + S : 0);
  }
  res_.internals.select(opt.capture_internals, L);
  if (opt.hidden_states) res_.hidden_states = Tensor({L + 1, S, info.hidden_size});
  for (auto& w : wanted_) w.assign(static_cast<size_t>(L + 1), 0);
  for (const TapRequest& r : opt.taps) {
    const int lo = r.tap == Tap::Hidden ? -1 : 0;
    std::vector<int> layers = r.layers;
    if (layers.empty())
      for (int l = lo; l < L; ++l) layers.push_back(l);
    for (int l : layers) {
      if (l < lo || l >= L)
        fail(ErrorKind::Usage, std::string("tap '") + to_string(r.tap) + "': layer " + std::to_string(l) +
                                   " is out of range (the model has " + std::to_string(L) + " layers)");
      wanted_[static_cast<size_t>(r.tap)][static_cast<size_t>(l + 1)] = 1;
    }
  }
  for (const HeadAblation& a : opt.ablate)
    if (a.layer < 0 || a.layer >= L)
      fail(ErrorKind::Usage, "ablation: layer " + std::to_string(a.layer) + " is out of range (the model has " + std::to_string(L) + " layers)");
}

bool ForwardRun::wanted(Tap tap, int il) const { return wanted_[static_cast<size_t>(tap)][static_cast<size_t>(il + 1)] != 0; }

Tensor* ForwardRun::tapped_slot(Tap tap, int il, const Shape& shape) {
  res_.tapped.push_back(TappedTensor{tap, il, Tensor(shape)});
  return &res_.tapped.back().value;
}

void ForwardRun::cb(const RowMatrix& t, Tap tap, int il) {
  if (tap == Tap::Hidden && opt_.hidden_states) res_.hidden_states.matrix(il + 1) = t;
  if (wanted(tap, il)) tapped_slot(tap, il, {t.rows(), t.cols()})->matrix() = t;
  if (profiling_ && il >= 0) clock_.lap(part_ending_at(tap));
}

void ForwardRun::begin_layer(int il) { clock_.begin_layer(il); }

void ForwardRun::attend(const RowMatrix& q, const RowMatrix& k, const RowMatrix& v, layers::AttentionParams ap, int il,
                        RowMatrix& ctx) {
  const int64_t H = info_.num_heads, S = seq_len_, Sk = int64_t(past_) + seq_len_;  // queries, keys
  ap.query_offset = past_;
  ap.timing = clock_.attention_timing();
  ap.capture = res_.internals.find(il);
  AttentionSink probs = res_.attentions.layer_sink(il);  // [H, S, Sk] or none
  const bool tap_probs = wanted(Tap::AttnProbs, il), tap_scores = wanted(Tap::AttnScores, il);
  size_t probs_slot = 0;
  if (tap_probs) {
    probs_slot = res_.tapped.size();
    tapped_slot(Tap::AttnProbs, il, {H, S, Sk});
  }
  if (tap_scores) ap.scores = tapped_slot(Tap::AttnScores, il, {H, S, Sk})->data.data();
  Tensor* tapped_probs = tap_probs ? &res_.tapped[probs_slot].value : nullptr;
  if (tapped_probs && probs.empty()) probs.f32 = tapped_probs->data.data();
  layers::self_attention(q, k, v, ap, probs, ctx);
  if (LayerQueryKeys* keep = res_.query_keys.find(il)) *keep = LayerQueryKeys::keep(il, q, k, ap);
  if (tapped_probs && probs.f32 != tapped_probs->data.data()) {
    RowMatrix scratch;
    for (int h = 0; h < H; ++h) tapped_probs->matrix(h) = res_.attentions.head_f32(il, h, scratch);
  }
  if (profiling_) clock_.lap_attention();
  for (const HeadAblation& a : opt_.ablate) {
    if (a.layer != il) continue;
    if (a.head < 0 || a.head >= H)
      fail(ErrorKind::Usage, "ablation: head " + std::to_string(a.head) + " is out of range (the model has " + std::to_string(H) + " heads)");
    auto slice = ctx.middleCols(static_cast<Eigen::Index>(a.head) * ap.head_dim, ap.head_dim);  // [S, d]
    if (a.mean) slice.rowwise() = slice.colwise().mean().eval();
    else slice.setZero();
  }
  if (wanted(Tap::Ctx, il)) tapped_slot(Tap::Ctx, il, {ctx.rows(), ctx.cols()})->matrix() = ctx;
}

bool ForwardRun::end_layer(const RowMatrix& x, int il) {
  cb(x, Tap::Hidden, il);
  clock_.end_layer();
  const int L = info_.num_layers;
  return report(progress_, il + 1, L, "layer " + std::to_string(il + 1) + "/" + std::to_string(L));
}

ForwardResult ForwardRun::finish(const RowMatrix& last) {
  res_.last_hidden_state = Tensor({last.rows(), last.cols()});
  res_.last_hidden_state.matrix() = last;
  clock_.finish();
  return std::move(res_);
}

}  // namespace attnscope
