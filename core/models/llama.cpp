// LlamaForCausalLM / LlamaModel: pre-norm RMSNorm, rotary position embeddings (rotate_half
// convention), grouped-query attention, SwiGLU MLP, final RMSNorm, tied or untied lm_head.
#include "core/models/llama.h"

#include <cmath>

#include "core/common/error.h"
#include "core/models/layers.h"

namespace attnscope {

namespace {

struct LlamaHParams {
  int n_vocab = 0;
  int n_embd = 0;
  int n_layer = 0;
  int n_head = 0;
  int n_head_kv = 0;
  int head_dim = 0;
  int n_ff = 0;
  int n_ctx = 0;
  float rms_eps = 1e-6f;
  double rope_theta = 10000.0;
  double rope_linear_factor = 1.0;  // rope_scaling {"rope_type": "linear", "factor": f}
  bool attention_bias = false;
};

struct LlamaLayer {
  Weight attn_norm;  // model.layers.N.input_layernorm.weight            [n_embd]
  Weight wq;         // model.layers.N.self_attn.q_proj.weight            [n_head*head_dim, n_embd]
  Weight wk;         // model.layers.N.self_attn.k_proj.weight            [n_head_kv*head_dim, n_embd]
  Weight wv;         // model.layers.N.self_attn.v_proj.weight            [n_head_kv*head_dim, n_embd]
  Weight bq, bk, bv; // model.layers.N.self_attn.{q,k,v}_proj.bias        (attention_bias only)
  Weight wo;         // model.layers.N.self_attn.o_proj.weight            [n_embd, n_head*head_dim]
  Weight ffn_norm;   // model.layers.N.post_attention_layernorm.weight    [n_embd]
  Weight w_gate;     // model.layers.N.mlp.gate_proj.weight               [n_ff, n_embd]
  Weight w_up;       // model.layers.N.mlp.up_proj.weight                 [n_ff, n_embd]
  Weight w_down;     // model.layers.N.mlp.down_proj.weight               [n_embd, n_ff]
};

class LlamaModel final : public Model {
 public:
  LlamaModel(const CheckpointFiles& files, const JsonObject& config);
  ForwardResult forward(const ForwardInput& input, const ForwardOptions& options, const ProgressFn& progress) const override;

 private:
  void rope(RowMatrix& x, int n_heads, int n_tokens) const;

  LlamaHParams hp_;
  WeightStore store_;
  Weight tok_embd_;  // model.embed_tokens.weight  [n_vocab, n_embd]
  Weight norm_;      // model.norm.weight          [n_embd]
  Weight output_;    // lm_head.weight             [n_vocab, n_embd] (tied: = tok_embd_)
  std::vector<LlamaLayer> layers_;
};

LlamaModel::LlamaModel(const CheckpointFiles& files, const JsonObject& c) : store_(files) {
  hp_.n_vocab = static_cast<int>(c.integer("vocab_size", 1, 1 << 22));
  hp_.n_embd = static_cast<int>(c.integer("hidden_size", 1, 1 << 16));
  hp_.n_layer = static_cast<int>(c.integer("num_hidden_layers", 1, 1024));
  hp_.n_head = static_cast<int>(c.integer("num_attention_heads", 1, 1024));
  hp_.n_head_kv = static_cast<int>(c.integer_or("num_key_value_heads", hp_.n_head, 1, hp_.n_head));
  if (hp_.n_head % hp_.n_head_kv != 0)
    c.fail_key("num_key_value_heads", "(" + std::to_string(hp_.n_head_kv) + ") must divide num_attention_heads (" +
                                          std::to_string(hp_.n_head) + ")");
  if (!c.has("head_dim") && hp_.n_embd % hp_.n_head != 0)
    c.fail_key("hidden_size", "must be divisible by num_attention_heads");
  hp_.head_dim = static_cast<int>(c.integer_or("head_dim", hp_.n_embd / hp_.n_head, 2, 1 << 12));
  if (hp_.head_dim % 2) {
    if (c.has("head_dim")) c.fail_key("head_dim", "must be even for rotary embeddings, got " + std::to_string(hp_.head_dim));
    fail(ErrorKind::Model, c.label() + ": the head dimension, hidden_size / num_attention_heads = " + std::to_string(hp_.n_embd) +
                               " / " + std::to_string(hp_.n_head) + " = " + std::to_string(hp_.head_dim) +
                               " (no 'head_dim' is set), must be even for rotary embeddings");
  }
  hp_.n_ff = static_cast<int>(c.integer("intermediate_size", 1, 1 << 20));
  hp_.n_ctx = static_cast<int>(c.integer_or("max_position_embeddings", 2048, 1, 1 << 24));
  hp_.rms_eps = static_cast<float>(c.number_or("rms_norm_eps", 1e-6, 0, 1));
  hp_.rope_theta = c.number_or("rope_theta", 10000.0, 1, 1e12);
  hp_.attention_bias = c.boolean_or("attention_bias", false);
  if (c.boolean_or("mlp_bias", false)) c.fail_key("mlp_bias", "= true is not supported");
  if (auto rs = c.object("rope_scaling")) {
    const std::string type = rs->string_or("rope_type", rs->string_or("type", ""));
    if (type == "linear") hp_.rope_linear_factor = rs->number("factor", 1e-6, 1e6);
    else if (type != "default")
      rs->fail_key("rope_type", "'" + type + "' is not supported (supported: default, linear)");
  }
  const std::string act = c.string_or("hidden_act", "silu");
  if (act != "silu") c.fail_key("hidden_act", "'" + act + "' is not supported for llama (expected silu)");

  const int64_t E = hp_.n_embd, Q = int64_t(hp_.n_head) * hp_.head_dim, KV = int64_t(hp_.n_head_kv) * hp_.head_dim,
                F = hp_.n_ff, V = hp_.n_vocab;
  tok_embd_ = store_.get("model.embed_tokens.weight", {V, E});
  norm_ = store_.get("model.norm.weight", {E});
  output_ = store_.get_optional("lm_head.weight", {V, E});
  if (!output_) output_ = tok_embd_;
  for (int il = 0; il < hp_.n_layer; ++il) {
    const std::string p = "model.layers." + std::to_string(il) + ".";
    LlamaLayer l;
    l.attn_norm = store_.get(p + "input_layernorm.weight", {E});
    l.wq = store_.get(p + "self_attn.q_proj.weight", {Q, E});
    l.wk = store_.get(p + "self_attn.k_proj.weight", {KV, E});
    l.wv = store_.get(p + "self_attn.v_proj.weight", {KV, E});
    if (hp_.attention_bias) {
      l.bq = store_.get(p + "self_attn.q_proj.bias", {Q});
      l.bk = store_.get(p + "self_attn.k_proj.bias", {KV});
      l.bv = store_.get(p + "self_attn.v_proj.bias", {KV});
    }
    l.wo = store_.get(p + "self_attn.o_proj.weight", {E, Q});
    l.ffn_norm = store_.get(p + "post_attention_layernorm.weight", {E});
    l.w_gate = store_.get(p + "mlp.gate_proj.weight", {F, E});
    l.w_up = store_.get(p + "mlp.up_proj.weight", {F, E});
    l.w_down = store_.get(p + "mlp.down_proj.weight", {E, F});
    layers_.push_back(l);
  }

  info_.model_type = "llama";
  info_.head = HeadKind::LanguageModel;
  info_.causal = true;
  info_.num_layers = hp_.n_layer;
  info_.num_heads = hp_.n_head;
  info_.num_kv_heads = hp_.n_head_kv;
  info_.hidden_size = hp_.n_embd;
  info_.head_dim = hp_.head_dim;
  info_.intermediate_size = hp_.n_ff;
  info_.vocab_size = hp_.n_vocab;
  info_.max_positions = hp_.n_ctx;
  info_.parameter_count = store_.parameter_count();
  info_.weights_bytes = store_.file_bytes();
  for (const auto& n : store_.nonfinite()) info_.warnings.push_back("weight '" + n + "' contains NaN or Inf");
}

// Hugging Face's rotate_half convention: within each head the first half of the features pairs
// with the second half; frequencies computed in float32 as transformers does.
void LlamaModel::rope(RowMatrix& x, int n_heads, int n_tokens) const {
  const int hd = hp_.head_dim, half = hd / 2;
  std::vector<float> inv_freq(half);
  for (int j = 0; j < half; ++j)
    inv_freq[j] = 1.0f / std::pow(static_cast<float>(hp_.rope_theta), static_cast<float>(2 * j) / static_cast<float>(hd));
  std::vector<float> cos(half), sin(half);
  for (int pos = 0; pos < n_tokens; ++pos) {
    const float fpos = static_cast<float>(pos) / static_cast<float>(hp_.rope_linear_factor);
    for (int j = 0; j < half; ++j) {
      const float f = fpos * inv_freq[j];
      cos[j] = std::cos(f);
      sin[j] = std::sin(f);
    }
    float* row = x.data() + static_cast<size_t>(pos) * x.cols();
    for (int h = 0; h < n_heads; ++h) {
      float* v = row + h * hd;
      for (int j = 0; j < half; ++j) {
        const float a = v[j], b = v[j + half];
        v[j] = a * cos[j] - b * sin[j];
        v[j + half] = b * cos[j] + a * sin[j];
      }
    }
  }
}

ForwardResult LlamaModel::forward(const ForwardInput& in, const ForwardOptions& opt, const ProgressFn& progress) const {
  const int S = static_cast<int>(in.input_ids.size());
  if (S == 0) fail(ErrorKind::Input, "no tokens to run");
  if (S > hp_.n_ctx)
    fail(ErrorKind::Input, std::to_string(S) + " tokens exceed max_position_embeddings (" + std::to_string(hp_.n_ctx) + ")");
  layers::ThreadScope threads(opt.threads);

  ForwardResult res;
  ForwardClock clock(opt.profile ? &res.profile : nullptr, hp_.n_layer, S, threads.threads());
  res.attentions.allocate(hp_.n_layer, hp_.n_head, S, opt.layers, opt.attention_f16);
  res.internals.select(opt.capture_internals, hp_.n_layer);
  if (opt.hidden_states) res.hidden_states = Tensor({hp_.n_layer + 1, S, hp_.n_embd});

  RowMatrix x;    // [S, n_embd] residual stream
  RowMatrix cur;  // [S, n_embd] normalised input of a block
  RowMatrix q;    // [S, n_head*head_dim]
  RowMatrix k, v; // [S, n_head_kv*head_dim]
  RowMatrix ctx;  // [S, n_head*head_dim]
  RowMatrix tmp;  // [S, n_embd]
  RowMatrix gate, up;  // [S, n_ff]
  layers::embed(tok_embd_, in.input_ids, x, "token");
  if (opt.hidden_states) res.hidden_states.matrix(0) = x;

  layers::AttentionParams ap;
  ap.num_heads = hp_.n_head;
  ap.num_kv_heads = hp_.n_head_kv;
  ap.head_dim = hp_.head_dim;
  ap.scale_divisor = std::sqrt(static_cast<float>(hp_.head_dim));
  ap.causal = true;
  ap.timing = clock.attention_timing();

  for (int il = 0; il < hp_.n_layer; ++il) {
    const LlamaLayer& L = layers_[il];
    clock.begin_layer(il);
    // self-attention {
    {
      layers::rms_norm(x, L.attn_norm, hp_.rms_eps, cur);
      clock.lap(LayerPart::Other);
      layers::linear(cur, L.wq, L.bq, q);
      layers::linear(cur, L.wk, L.bk, k);
      layers::linear(cur, L.wv, L.bv, v);
      clock.lap(LayerPart::QkvProjection);
      rope(q, hp_.n_head, S);
      rope(k, hp_.n_head_kv, S);
      clock.lap(LayerPart::Other);
      const AttentionSink probs = res.attentions.layer_sink(il);  // [n_head, S, S] or none
      ap.capture = res.internals.find(il);  // q, k after RoPE
      layers::self_attention(q, k, v, ap, probs, ctx);
      clock.lap_attention();
      layers::linear(ctx, L.wo, Weight{}, tmp);
      clock.lap(LayerPart::OutputProjection);
      x += tmp;
    }
    // }
    // feed-forward {
    {
      layers::rms_norm(x, L.ffn_norm, hp_.rms_eps, cur);
      clock.lap(LayerPart::Other);
      layers::linear(cur, L.w_gate, Weight{}, gate);
      layers::linear(cur, L.w_up, Weight{}, up);
      layers::activate(gate, layers::Activation::Silu);
      gate.array() *= up.array();
      layers::linear(gate, L.w_down, Weight{}, tmp);
      clock.lap(LayerPart::Mlp);
      x += tmp;
    }
    // }
    if (opt.hidden_states) res.hidden_states.matrix(il + 1) = x;
    clock.end_layer();
    if (!report(progress, il + 1, hp_.n_layer, "layer " + std::to_string(il + 1) + "/" + std::to_string(hp_.n_layer)))
      return cancelled_result();
  }

  res.last_hidden_state = Tensor({S, hp_.n_embd});
  {
    RowMatrix last;
    layers::rms_norm(x, norm_, hp_.rms_eps, last);
    res.last_hidden_state.matrix() = last;
    if (opt.logits == LogitsMode::All) {
      res.logits = Tensor({S, hp_.n_vocab});
      res.logits.matrix().noalias() = last * output_.matrix().transpose();
    } else if (opt.logits == LogitsMode::Last) {
      res.logits = Tensor({1, hp_.n_vocab});
      res.logits.matrix().noalias() = last.bottomRows(1) * output_.matrix().transpose();
    }
  }
  clock.finish();
  return res;
}

}  // namespace

std::unique_ptr<Model> load_llama(const CheckpointFiles& files, const JsonObject& config) {
  return std::make_unique<LlamaModel>(files, config);
}

}  // namespace attnscope
