// T5 (v1.0 ReLU, v1.1 / FLAN gated-GELU) and T5EncoderModel: RMS-style T5LayerNorm without bias
// or mean, attention scores q.k + a relative position bias with NO 1/sqrt(d) scaling, the bias
// computed once per stack from block 0's bucket embedding, bidirectional buckets in the encoder
// and causal ones in the decoder, cross-attention without bias or mask, and tied embeddings
// rescaled by d_model^-0.5 before the LM head.
#include "core/models/t5.h"

#include <algorithm>
#include <cmath>

#include "core/common/error.h"
#include "core/models/forward_run.h"
#include "core/models/layers.h"

namespace attnscope {

namespace {

struct T5HParams {
  int d_model = 0;
  int d_kv = 0;
  int n_head = 0;
  int n_enc = 0;
  int n_dec = 0;
  int d_ff = 0;
  int vocab = 0;
  int n_buckets = 32;
  int max_distance = 128;
  float eps = 1e-6f;
  bool gated = false;
  layers::Activation act = layers::Activation::Relu;
  bool tied = true;
  bool decoder = true;  // T5ForConditionalGeneration; false: T5EncoderModel
};

// X = encoder / decoder; N = block. H d = inner dim (num_heads * d_kv), D = d_model, F = d_ff.
struct T5Attention {
  Weight norm;        // X.block.N.layer.i.layer_norm.weight                       [D]
  Weight wq, wk, wv;  // X.block.N.layer.i.{SelfAttention,EncDecAttention}.{q,k,v}.weight  [H d, D]
  Weight wo;          // X.block.N.layer.i.{...}.o.weight                          [D, H d]
};
struct T5FeedForward {
  Weight norm;        // X.block.N.layer.i.layer_norm.weight                       [D]
  Weight wi0, wi1;    // X.block.N.layer.i.DenseReluDense.wi_0 / wi_1.weight       [F, D] (gated; plain: wi -> wi0)
  Weight wo;          // X.block.N.layer.i.DenseReluDense.wo.weight                [D, F]
};
struct T5Block {
  T5Attention self;
  T5Attention cross;  // decoder only: layer.1.EncDecAttention
  T5FeedForward ff;
};

// HF T5Attention._relative_position_bucket of `rel` = key - query, with the log in float32 as
// transformers computes it.
int relative_bucket(int rel, bool bidirectional, int num_buckets, int max_distance) {
  int bucket = 0, n;
  if (bidirectional) {
    num_buckets /= 2;
    if (rel > 0) bucket += num_buckets;
    n = std::abs(rel);
  } else {
    n = -std::min(rel, 0);
  }
  const int max_exact = num_buckets / 2;
  if (n < max_exact) return bucket + n;
  const float scaled = std::log(static_cast<float>(n) / static_cast<float>(max_exact)) /
                       static_cast<float>(std::log(static_cast<double>(max_distance) / max_exact)) *
                       static_cast<float>(num_buckets - max_exact);
  return bucket + std::min(max_exact + static_cast<int>(scaled), num_buckets - 1);
}

// A stack's relative bias [H, 2n - 1] as the tensor [H, n, n] the export writes.
Tensor bias_tensor(const RowMatrix& bias, int n) { return layers::expand_relative_bias(bias.data(), static_cast<int>(bias.rows()), n); }

class T5Model final : public Model {
 public:
  T5Model(const CheckpointFiles& files, const JsonObject& config);
  ForwardResult forward(const ForwardInput& input, const ForwardOptions& options, const ProgressFn& progress) const override;
  RowMatrix attention_output_weight(int layer) const override {
    require_layer(layer);
    return enc_[static_cast<size_t>(layer)].self.wo.to_f32().transpose();  // o [D, H d] -> [H d, D]
  }

 private:
  // bias [H, 2n - 1]: column j - i + n - 1 of row h is emb[bucket(j - i), h], what a stack adds to
  // the score of key j for query i in every layer (AttentionParams::relative_bias).
  RowMatrix position_bias(const Weight& emb, int n, bool bidirectional) const;
  T5Attention attention(const std::string& p);
  T5FeedForward feed_forward(const std::string& p);
  // One stack over x [n, D] (in place); the decoder also attends to enc [S, D]. Returns false if
  // cancelled. `run` captures what the options ask for.
  bool run_stack(ForwardRun& run, const std::vector<T5Block>& blocks, const RowMatrix& bias, RowMatrix& x,
                 const RowMatrix* enc, AttentionMaps* cross) const;
  void ff(const T5FeedForward& f, const RowMatrix& x, RowMatrix& out) const;
  // The decoder over `ids` with the encoder output `enc`; logits of every position or the last.
  ForwardResult decode(const std::vector<int64_t>& ids, const RowMatrix& enc, const ForwardOptions& opt,
                       const ProgressFn& progress) const;

  T5HParams hp_;
  WeightStore store_;
  ModelInfo decoder_info_;  // the decoder stack's shape, for its ForwardRun
  Weight shared_;           // shared.weight                                            [V, D]
  Weight enc_bias_;         // encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight  [n_buckets, H]
  Weight dec_bias_;         // decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight  [n_buckets, H]
  Weight enc_norm_;         // encoder.final_layer_norm.weight                          [D]
  Weight dec_norm_;         // decoder.final_layer_norm.weight                          [D]
  Weight lm_head_;          // lm_head.weight                                           [V, D] (tied: shared)
  std::vector<T5Block> enc_, dec_;
};

T5Attention T5Model::attention(const std::string& p) {
  const int64_t D = hp_.d_model, I = int64_t(hp_.n_head) * hp_.d_kv;
  const std::string kind = p.ends_with("layer.1.") && p.starts_with("decoder") ? "EncDecAttention." : "SelfAttention.";
  T5Attention a;
  a.norm = store_.get(p + "layer_norm.weight", {D});
  a.wq = store_.get_matrix(p + kind + "q.weight", {I, D});
  a.wk = store_.get_matrix(p + kind + "k.weight", {I, D});
  a.wv = store_.get_matrix(p + kind + "v.weight", {I, D});
  a.wo = store_.get_matrix(p + kind + "o.weight", {D, I});
  return a;
}

T5FeedForward T5Model::feed_forward(const std::string& p) {
  const int64_t D = hp_.d_model, F = hp_.d_ff;
  T5FeedForward f;
  f.norm = store_.get(p + "layer_norm.weight", {D});
  if (hp_.gated) {
    f.wi0 = store_.get_matrix(p + "DenseReluDense.wi_0.weight", {F, D});
    f.wi1 = store_.get_matrix(p + "DenseReluDense.wi_1.weight", {F, D});
  } else {
    f.wi0 = store_.get_matrix(p + "DenseReluDense.wi.weight", {F, D});
  }
  f.wo = store_.get_matrix(p + "DenseReluDense.wo.weight", {D, F});
  return f;
}

T5Model::T5Model(const CheckpointFiles& files, const JsonObject& c) : store_(files) {
  hp_.d_model = static_cast<int>(c.integer("d_model", 1, 1 << 16));
  hp_.d_kv = static_cast<int>(c.integer("d_kv", 1, 1 << 12));
  hp_.n_head = static_cast<int>(c.integer("num_heads", 1, 1024));
  hp_.n_enc = static_cast<int>(c.integer("num_layers", 1, 1024));
  hp_.n_dec = c.json().contains("num_decoder_layers") && !c.json()["num_decoder_layers"].is_null()
                  ? static_cast<int>(c.integer("num_decoder_layers", 1, 1024))
                  : hp_.n_enc;
  hp_.d_ff = static_cast<int>(c.integer("d_ff", 1, 1 << 20));
  hp_.vocab = static_cast<int>(c.integer("vocab_size", 1, 1 << 22));
  hp_.n_buckets = static_cast<int>(c.integer_or("relative_attention_num_buckets", 32, 2, 1 << 16));
  hp_.max_distance = static_cast<int>(c.integer_or("relative_attention_max_distance", 128, 1, 1 << 24));
  hp_.eps = static_cast<float>(c.number_or("layer_norm_epsilon", 1e-6, 0, 1));
  // feed_forward_proj: "relu", "gelu", "gated-gelu" (tanh GELU, as T5Config maps it), "gated-silu", ...
  const std::string ffp = c.string_or("feed_forward_proj", "relu");
  hp_.gated = ffp.starts_with("gated-");
  const std::string act = hp_.gated ? ffp.substr(6) : ffp;
  if (act == "gelu" && hp_.gated) hp_.act = layers::Activation::GeluTanh;
  else hp_.act = layers::parse_activation(act, "config.json 'feed_forward_proj'");
  hp_.tied = c.boolean_or("tie_word_embeddings", true);

  std::string arch;
  if (c.json().contains("architectures") && c.json()["architectures"].is_array() && !c.json()["architectures"].empty() &&
      c.json()["architectures"][0].is_string())
    arch = c.json()["architectures"][0].get<std::string>();
  hp_.decoder = arch != "T5EncoderModel" && store_.has("decoder.final_layer_norm.weight");

  const int64_t D = hp_.d_model, V = hp_.vocab, H = hp_.n_head, B = hp_.n_buckets;
  const std::string embed = store_.has("shared.weight") ? "shared.weight" : "encoder.embed_tokens.weight";
  shared_ = store_.get_matrix(embed, {V, D});
  enc_bias_ = store_.get("encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight", {B, H});
  for (int il = 0; il < hp_.n_enc; ++il) {
    const std::string p = "encoder.block." + std::to_string(il) + ".layer.";
    T5Block b;
    b.self = attention(p + "0.");
    b.ff = feed_forward(p + "1.");
    enc_.push_back(b);
  }
  enc_norm_ = store_.get("encoder.final_layer_norm.weight", {D});
  if (hp_.decoder) {
    dec_bias_ = store_.get("decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight", {B, H});
    for (int il = 0; il < hp_.n_dec; ++il) {
      const std::string p = "decoder.block." + std::to_string(il) + ".layer.";
      T5Block b;
      b.self = attention(p + "0.");
      b.cross = attention(p + "1.");
      b.ff = feed_forward(p + "2.");
      dec_.push_back(b);
    }
    dec_norm_ = store_.get("decoder.final_layer_norm.weight", {D});
    lm_head_ = hp_.tied ? shared_ : store_.get_matrix("lm_head.weight", {V, D});
  }

  Architecture a;
  a.family = "t5";
  a.vocab_size = hp_.vocab;
  a.hidden_size = hp_.d_model;
  a.num_layers = hp_.n_enc;
  a.num_heads = a.num_kv_heads = hp_.n_head;
  a.head_dim = hp_.d_kv;
  a.intermediate_size = hp_.d_ff;
  a.max_positions = 0;  // relative positions: any length
  a.norm = NormKind::RmsNorm;
  a.norm_eps = hp_.eps;
  a.mlp = hp_.gated ? (hp_.act == layers::Activation::Silu ? MlpKind::SwiGlu : MlpKind::GeGlu) : layers::plain_mlp(hp_.act);
  a.positions = PositionKind::RelativeBias;
  a.query_scale = 1;  // no 1/sqrt(d): T5 folds it into the initialisation of q
  a.tied_output = hp_.tied;
  a.causal = false;
  a.set_global_attention();
  info_.set_architecture(a);
  info_.head = hp_.decoder ? HeadKind::LanguageModel : HeadKind::None;
  info_.encoder_decoder = hp_.decoder;
  info_.num_decoder_layers = hp_.decoder ? hp_.n_dec : 0;
  info_.decoder_start_id = c.integer_or("decoder_start_token_id", 0, 0, hp_.vocab - 1);
  info_.eos_id = c.integer_or("eos_token_id", 1, 0, hp_.vocab - 1);
  info_.parameter_count = store_.parameter_count();
  info_.weights_bytes = store_.file_bytes();
  for (const auto& n : store_.nonfinite()) info_.warnings.push_back("weight '" + n + "' contains NaN or Inf");

  decoder_info_ = info_;
  decoder_info_.num_layers = hp_.n_dec;
  decoder_info_.causal = true;
}

RowMatrix T5Model::position_bias(const Weight& emb, int n, bool bidirectional) const {
  const int H = hp_.n_head;
  RowMatrix bias(H, 2 * int64_t(n) - 1);
  const ConstMatrixMap table = emb.matrix();  // [n_buckets, H]
  for (int rel = -(n - 1); rel <= n - 1; ++rel) {
    const int bucket = relative_bucket(rel, bidirectional, hp_.n_buckets, hp_.max_distance);
    for (int h = 0; h < H; ++h) bias(h, rel + n - 1) = table(bucket, h);
  }
  return bias;
}

void T5Model::ff(const T5FeedForward& f, const RowMatrix& x, RowMatrix& out) const {
  RowMatrix h, g;  // [n, F]
  layers::linear(x, f.wi0, Weight{}, h);
  layers::activate(h, hp_.act);
  if (f.wi1) {
    layers::linear(x, f.wi1, Weight{}, g);
    h.array() *= g.array();
  }
  layers::linear(h, f.wo, Weight{}, out);
}

bool T5Model::run_stack(ForwardRun& run, const std::vector<T5Block>& blocks, const RowMatrix& bias, RowMatrix& x,
                        const RowMatrix* enc, AttentionMaps* cross) const {
  RowMatrix cur;      // [n, D] normalised input of a sub-layer
  RowMatrix q, k, v;  // [n, H d] (cross: k, v [S, H d])
  RowMatrix ctx;      // [n, H d]
  RowMatrix tmp;      // [n, D]
  layers::AttentionParams ap;
  ap.num_heads = ap.num_kv_heads = hp_.n_head;
  ap.head_dim = hp_.d_kv;
  ap.scale_divisor = 1;
  ap.causal = enc != nullptr;
  ap.relative_bias = bias.data();
  for (int il = 0; il < static_cast<int>(blocks.size()); ++il) {
    const T5Block& L = blocks[static_cast<size_t>(il)];
    run.begin_layer(il);
    // self-attention {
    {
      layers::rms_norm(x, L.self.norm, hp_.eps, cur);
      run.cb(cur, Tap::AttnIn, il);
      layers::linear(cur, L.self.wq, Weight{}, q);
      layers::linear(cur, L.self.wk, Weight{}, k);
      layers::linear(cur, L.self.wv, Weight{}, v);
      run.cb(v, Tap::V, il);
      run.cb(q, Tap::Q, il);
      run.cb(k, Tap::K, il);
      run.attend(q, k, v, ap, il, ctx);
      layers::linear(ctx, L.self.wo, Weight{}, tmp);
      run.cb(tmp, Tap::AttnOut, il);
      x += tmp;
      run.cb(x, Tap::Resid, il);
    }
    // }
    // cross-attention (decoder) {
    if (enc) {
      layers::rms_norm(x, L.cross.norm, hp_.eps, cur);
      layers::linear(cur, L.cross.wq, Weight{}, q);
      layers::linear(*enc, L.cross.wk, Weight{}, k);
      layers::linear(*enc, L.cross.wv, Weight{}, v);
      layers::AttentionParams xp;
      xp.num_heads = xp.num_kv_heads = hp_.n_head;
      xp.head_dim = hp_.d_kv;
      xp.scale_divisor = 1;
      layers::self_attention(q, k, v, xp, cross ? cross->layer_sink(il) : AttentionSink{}, ctx);
      layers::linear(ctx, L.cross.wo, Weight{}, tmp);
      x += tmp;
    }
    // }
    // feed-forward {
    {
      layers::rms_norm(x, L.ff.norm, hp_.eps, cur);
      run.cb(cur, Tap::MlpIn, il);
      ff(L.ff, cur, tmp);
      run.cb(tmp, Tap::MlpOut, il);
      x += tmp;
    }
    // }
    if (!run.end_layer(x, il)) return false;
  }
  return true;
}

ForwardResult T5Model::decode(const std::vector<int64_t>& ids, const RowMatrix& enc, const ForwardOptions& opt,
                              const ProgressFn& progress) const {
  const int T = static_cast<int>(ids.size()), S = static_cast<int>(enc.rows());
  ForwardRun run(decoder_info_, T, opt, progress);
  ForwardResult& res = run.result();
  AttentionMaps& cross = res.decoder.cross_attentions;
  cross.allocate(hp_.n_dec, hp_.n_head, T, opt.layers, opt.attention_f16, S);

  RowMatrix x;  // [T, D] residual stream
  layers::embed(shared_, ids, x, "decoder token");
  run.cb(x, Tap::Hidden, -1);
  const RowMatrix bias = position_bias(dec_bias_, T, false);  // [H, 2T - 1]
  if (opt.hidden_states) res.extras.emplace_back("decoder_position_bias", bias_tensor(bias, T));
  if (!run_stack(run, dec_, bias, x, &enc, &cross)) return cancelled_result();

  RowMatrix last;  // [T, D]
  layers::rms_norm(x, dec_norm_, hp_.eps, last);
  if (opt.logits != LogitsMode::None) {
    RowMatrix h = opt.logits == LogitsMode::All ? last : RowMatrix(last.bottomRows(1));  // [T or 1, D]
    if (hp_.tied) h *= 1.0f / std::sqrt(static_cast<float>(hp_.d_model));
    RowMatrix z;  // [T or 1, V]
    layers::linear(h, lm_head_, Weight{}, z);
    res.logits = Tensor({z.rows(), z.cols()});
    res.logits.matrix() = z;
  }
  return run.finish(last);
}

ForwardResult T5Model::forward(const ForwardInput& in, const ForwardOptions& opt, const ProgressFn& progress) const {
  refuse_kv_cache(in, info_);
  if (!hp_.decoder && (!in.decoder_input_ids.empty() || in.generate > 0))
    fail(ErrorKind::Usage, "this T5 checkpoint has no decoder (" + info_.architecture + "): give a source text only");
  if (hp_.decoder && in.decoder_input_ids.empty() && in.generate <= 0)
    fail(ErrorKind::Usage, "T5 needs a target text (teacher forcing) or a number of tokens to generate");
  if (!in.decoder_input_ids.empty() && in.generate > 0)
    fail(ErrorKind::Usage, "give either a target or a number of tokens to generate, not both");
  const int S = static_cast<int>(in.input_ids.size());

  // Progress: the encoder, the greedy steps, then the decoder's capture pass.
  const int steps = hp_.n_enc + std::max(in.generate, 0) + (hp_.decoder ? hp_.n_dec : 0);
  int done = 0;
  auto part = [&](int span) -> ProgressFn {
    if (!progress) return {};
    const int base = done;
    return [&progress, base, span, steps](const Progress& p) {
      Progress q = p;
      q.done = base + (p.total > 0 ? p.done * span / p.total : 0);
      q.total = steps;
      return progress(q);
    };
  };

  ForwardOptions enc_opt = opt;
  enc_opt.logits = LogitsMode::None;
  const ProgressFn enc_progress = part(hp_.n_enc);  // ForwardRun keeps a reference
  ForwardRun run(info_, S, enc_opt, enc_progress);
  ForwardResult& res = run.result();
  RowMatrix x;  // [S, D] residual stream
  layers::embed(shared_, in.input_ids, x, "token");
  run.cb(x, Tap::Hidden, -1);
  const RowMatrix bias = position_bias(enc_bias_, S, true);  // [H, 2S - 1]
  if (opt.hidden_states) res.extras.emplace_back("encoder_position_bias", bias_tensor(bias, S));
  if (!run_stack(run, enc_, bias, x, nullptr, nullptr)) return cancelled_result();
  done += hp_.n_enc;
  RowMatrix enc;  // [S, D]
  layers::rms_norm(x, enc_norm_, hp_.eps, enc);
  ForwardResult out = run.finish(enc);
  if (!hp_.decoder) return out;

  std::vector<int64_t> ids = in.decoder_input_ids;
  std::vector<int64_t> generated;
  if (in.generate > 0) {
    ForwardOptions step;  // nothing captured: only the last position's logits
    step.layers = {0};
    step.logits = LogitsMode::Last;
    step.threads = opt.threads;
    ids = {info_.decoder_start_id};
    for (int t = 0; t < in.generate; ++t) {
      ForwardResult r = decode(ids, enc, step, {});
      const float* z = r.logits.data.data();
      const int64_t next = std::max_element(z, z + r.logits.shape[1]) - z;  // first index on ties, as argmax
      generated.push_back(next);
      ++done;
      if (!report(progress, done, steps, "generated " + std::to_string(t + 1) + "/" + std::to_string(in.generate)))
        return cancelled_result();
      if (next == info_.eos_id) break;
      ids.push_back(next);
    }
    ids.resize(generated.size());  // [start] + generated[:-1]
  }
  if (ids.front() != info_.decoder_start_id)
    fail(ErrorKind::Input, "the decoder input must start with decoder_start_token_id " + std::to_string(info_.decoder_start_id));
  ForwardOptions dec_opt = opt;
  dec_opt.taps.clear();  // the named capture points are the encoder's
  dec_opt.capture_internals.clear();
  dec_opt.query_keys = false;  // the decoder's maps are kept: a target is short, its maps T x T
  dec_opt.ablate.clear();  // the ablated heads are the encoder's
  dec_opt.profile = false;
  std::erase_if(dec_opt.layers, [&](int l) { return l >= hp_.n_dec; });
  if (dec_opt.layers.empty() && !opt.layers.empty()) dec_opt.layers = {hp_.n_dec - 1};
  ForwardResult d = decode(ids, enc, dec_opt, part(hp_.n_dec));
  if (d.cancelled) return cancelled_result();
  out.logits = std::move(d.logits);
  out.decoder.input_ids = ids;
  out.decoder.generated = std::move(generated);
  out.decoder.attentions = std::move(d.attentions);
  out.decoder.cross_attentions = std::move(d.decoder.cross_attentions);
  out.decoder.hidden_states = std::move(d.hidden_states);
  out.decoder.last_hidden_state = std::move(d.last_hidden_state);
  for (auto& e : d.extras) out.extras.push_back(std::move(e));
  return out;
}

}  // namespace

int t5_relative_bucket(int relative_position, bool bidirectional, int num_buckets, int max_distance) {
  return relative_bucket(relative_position, bidirectional, num_buckets, max_distance);
}

std::unique_ptr<Model> load_t5(const CheckpointFiles& files, const JsonObject& config) {
  return std::make_unique<T5Model>(files, config);
}

}  // namespace attnscope
