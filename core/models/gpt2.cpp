// GPT2LMHeadModel / GPT2Model: pre-LayerNorm causal decoder with learned absolute positions,
// Conv1D projections (weights stored [in, out]), a fused q|k|v projection, final ln_f and an
// lm_head tied to wte unless lm_head.weight is stored.
#include "core/models/gpt2.h"

#include <cmath>

#include "core/common/error.h"
#include "core/models/forward_run.h"
#include "core/models/layers.h"

namespace attnscope {

namespace {

struct Gpt2HParams {
  int n_vocab = 0;
  int n_embd = 0;
  int n_layer = 0;
  int n_head = 0;
  int head_dim = 0;
  int n_ff = 0;
  int n_ctx = 0;
  float ln_eps = 1e-5f;
  layers::Activation act = layers::Activation::GeluTanh;
  bool scale_attn_weights = true;        // divide q.k by sqrt(head_dim)
  bool scale_by_inverse_layer = false;   // and by (layer + 1)
  bool lm_head = false;
};

// P = "transformer." (GPT2LMHeadModel) or "" (GPT2Model). Conv1D weights are [in, out].
struct Gpt2Layer {
  Weight ln_1, ln_1_b;    // P.h.N.ln_1.{weight,bias}           [n_embd]
  Weight c_attn, c_attn_b;  // P.h.N.attn.c_attn.{weight,bias}  [n_embd, 3*n_embd], [3*n_embd]  columns q|k|v
  Weight c_proj, c_proj_b;  // P.h.N.attn.c_proj.{weight,bias}  [n_embd, n_embd], [n_embd]
  Weight ln_2, ln_2_b;    // P.h.N.ln_2.{weight,bias}           [n_embd]
  Weight c_fc, c_fc_b;    // P.h.N.mlp.c_fc.{weight,bias}       [n_embd, n_ff], [n_ff]
  Weight c_out, c_out_b;  // P.h.N.mlp.c_proj.{weight,bias}     [n_ff, n_embd], [n_embd]
};

class Gpt2Model final : public Model {
 public:
  Gpt2Model(const CheckpointFiles& files, const JsonObject& config);
  ForwardResult forward(const ForwardInput& input, const ForwardOptions& options, const ProgressFn& progress) const override;
  RowMatrix unembed(const RowMatrix& rows) const override;
  RowMatrix final_norm(const RowMatrix& rows) const override {
    RowMatrix out;  // [R, n_embd]
    layers::layer_norm(rows, ln_f_, ln_f_b_, hp_.ln_eps, out);
    return out;
  }
  RowMatrix attention_output_weight(int layer) const override;

 private:
  Gpt2HParams hp_;
  WeightStore store_;
  Weight wte_;            // P.wte.weight               [n_vocab, n_embd]
  Weight wpe_;            // P.wpe.weight               [n_ctx, n_embd]
  Weight ln_f_, ln_f_b_;  // P.ln_f.{weight,bias}       [n_embd]
  Weight output_;         // lm_head.weight             [n_vocab, n_embd] (tied: = wte_); GPT2LMHeadModel only
  std::vector<Gpt2Layer> layers_;
};

Gpt2Model::Gpt2Model(const CheckpointFiles& files, const JsonObject& c) : store_(files) {
  hp_.n_vocab = static_cast<int>(c.integer("vocab_size", 1, 1 << 22));
  hp_.n_embd = static_cast<int>(c.integer("n_embd", 1, 1 << 16));
  hp_.n_layer = static_cast<int>(c.integer("n_layer", 1, 1024));
  hp_.n_head = static_cast<int>(c.integer("n_head", 1, 1024));
  if (hp_.n_embd % hp_.n_head != 0) c.fail_key("n_embd", "must be divisible by n_head");
  hp_.head_dim = hp_.n_embd / hp_.n_head;
  hp_.n_ff = static_cast<int>(c.integer_or("n_inner", 4 * int64_t(hp_.n_embd), 1, 1 << 20));
  hp_.n_ctx = static_cast<int>(c.integer_or("n_positions", c.integer_or("n_ctx", 1024, 1, 1 << 20), 1, 1 << 20));
  hp_.ln_eps = static_cast<float>(c.number_or("layer_norm_epsilon", 1e-5, 0, 1));
  hp_.act = layers::parse_activation(c.string_or("activation_function", "gelu_new"), c.label() + " 'activation_function'");
  hp_.scale_attn_weights = c.boolean_or("scale_attn_weights", true);
  hp_.scale_by_inverse_layer = c.boolean_or("scale_attn_by_inverse_layer_idx", false);
  if (c.boolean_or("add_cross_attention", false)) c.fail_key("add_cross_attention", "= true is not supported");

  std::string arch;
  const auto archs = c.json().find("architectures");
  if (archs != c.json().end() && archs->is_array() && !archs->empty() && (*archs)[0].is_string())
    arch = (*archs)[0].get<std::string>();
  hp_.lm_head = arch.empty() || arch == "GPT2LMHeadModel";
  if (!hp_.lm_head && arch != "GPT2Model")
    info_.warnings.push_back("architecture '" + arch + "' is not supported: its head is ignored and only the decoder runs");

  // The attn.bias / attn.masked_bias buffers of old checkpoints (causal mask, -1e4) are not read.
  const std::string P = store_.find_prefix({"transformer.", ""}, "wte.weight").value_or("transformer.");
  const int64_t E = hp_.n_embd, F = hp_.n_ff, V = hp_.n_vocab;
  wte_ = store_.get(P + "wte.weight", {V, E});
  wpe_ = store_.get(P + "wpe.weight", {hp_.n_ctx, E});
  ln_f_ = store_.get(P + "ln_f.weight", {E});
  ln_f_b_ = store_.get(P + "ln_f.bias", {E});
  if (hp_.lm_head) {
    output_ = store_.get_optional("lm_head.weight", {V, E});
    if (!output_) output_ = wte_;
  }
  for (int il = 0; il < hp_.n_layer; ++il) {
    const std::string p = P + "h." + std::to_string(il) + ".";
    Gpt2Layer l;
    l.ln_1 = store_.get(p + "ln_1.weight", {E});
    l.ln_1_b = store_.get(p + "ln_1.bias", {E});
    l.c_attn = store_.get(p + "attn.c_attn.weight", {E, 3 * E});
    l.c_attn_b = store_.get(p + "attn.c_attn.bias", {3 * E});
    l.c_proj = store_.get(p + "attn.c_proj.weight", {E, E});
    l.c_proj_b = store_.get(p + "attn.c_proj.bias", {E});
    l.ln_2 = store_.get(p + "ln_2.weight", {E});
    l.ln_2_b = store_.get(p + "ln_2.bias", {E});
    l.c_fc = store_.get(p + "mlp.c_fc.weight", {E, F});
    l.c_fc_b = store_.get(p + "mlp.c_fc.bias", {F});
    l.c_out = store_.get(p + "mlp.c_proj.weight", {F, E});
    l.c_out_b = store_.get(p + "mlp.c_proj.bias", {E});
    layers_.push_back(l);
  }

  Architecture a = learned_position_architecture("gpt2", hp_.n_layer, hp_.n_embd, hp_.n_head, hp_.n_ff, hp_.ln_eps,
                                                 layers::plain_mlp(hp_.act), true);
  a.vocab_size = hp_.n_vocab;
  a.max_positions = hp_.n_ctx;
  a.fused_qkv = true;
  a.tied_output = output_.data == wte_.data;
  info_.set_architecture(a);
  info_.head = hp_.lm_head ? HeadKind::LanguageModel : HeadKind::None;
  info_.kv_cache = true;
  info_.eos_ids = read_eos_ids(c, files.dir, hp_.n_vocab);
  info_.token_types = false;
  info_.parameter_count = store_.parameter_count();
  info_.weights_bytes = store_.file_bytes();
  for (const auto& n : store_.nonfinite()) info_.warnings.push_back("weight '" + n + "' contains NaN or Inf");
}

// token_type_ids are ignored: GPT-2 tokenizers do not return them.
ForwardResult Gpt2Model::forward(const ForwardInput& in, const ForwardOptions& opt, const ProgressFn& progress) const {
  const int S = static_cast<int>(in.input_ids.size());
  KvCache* cache = in.cache;
  const int past = cache ? cache->length : 0;  // tokens read before these
  if (cache && !in.attention_mask.empty()) fail(ErrorKind::Usage, "an attention_mask cannot be combined with a KV cache");
  ForwardRun run(info_, S, opt, progress, "n_positions", past);
  layers::AttentionParams ap;
  ap.num_heads = hp_.n_head;
  ap.num_kv_heads = hp_.n_head;
  ap.head_dim = hp_.head_dim;
  ap.causal = true;
  ap.key_mask = layers::key_mask(in.attention_mask, in.input_ids.size());

  const int64_t E = hp_.n_embd;
  RowMatrix x;        // [S, n_embd] residual stream
  RowMatrix cur;      // [S, n_embd] normalised input of a block
  RowMatrix qkv;      // [S, 3*n_embd]
  RowMatrix q, k, v;  // [S, n_embd]
  RowMatrix ctx;      // [S, n_embd]
  RowMatrix tmp;      // [S, n_embd]
  RowMatrix ff;       // [S, n_ff]
  {
    std::vector<int64_t> pos(in.input_ids.size());
    for (size_t i = 0; i < pos.size(); ++i) pos[i] = past + static_cast<int64_t>(i);
    layers::embed(wte_, in.input_ids, x, "token");
    layers::embed(wpe_, pos, tmp, "position");
    x += tmp;
  }
  run.cb(x, Tap::Hidden, -1);

  for (int il = 0; il < hp_.n_layer; ++il) {
    const Gpt2Layer& L = layers_[il];
    run.begin_layer(il);
    // self-attention {
    {
      layers::layer_norm(x, L.ln_1, L.ln_1_b, hp_.ln_eps, cur);
      run.cb(cur, Tap::AttnIn, il);
      layers::conv1d(cur, L.c_attn, L.c_attn_b, qkv);
      q = qkv.leftCols(E);
      k = qkv.middleCols(E, E);
      v = qkv.rightCols(E);
      run.cb(v, Tap::V, il);
      run.cb(q, Tap::Q, il);
      run.cb(k, Tap::K, il);
      ap.scale_divisor = (hp_.scale_attn_weights ? std::sqrt(static_cast<float>(hp_.head_dim)) : 1.0f) *
                         (hp_.scale_by_inverse_layer ? static_cast<float>(il + 1) : 1.0f);
      if (cache) {
        cache->append(il, k, v);
        run.attend(q, cache->k[static_cast<size_t>(il)], cache->v[static_cast<size_t>(il)], ap, il, ctx);
      } else {
        run.attend(q, k, v, ap, il, ctx);
      }
      layers::conv1d(ctx, L.c_proj, L.c_proj_b, tmp);
      run.cb(tmp, Tap::AttnOut, il);
      x += tmp;
      run.cb(x, Tap::Resid, il);
    }
    // }
    // feed-forward {
    {
      layers::layer_norm(x, L.ln_2, L.ln_2_b, hp_.ln_eps, cur);
      run.cb(cur, Tap::MlpIn, il);
      layers::conv1d(cur, L.c_fc, L.c_fc_b, ff);
      layers::activate(ff, hp_.act);
      layers::conv1d(ff, L.c_out, L.c_out_b, tmp);
      run.cb(tmp, Tap::MlpOut, il);
      x += tmp;
    }
    // }
    if (!run.end_layer(x, il)) {
      if (cache) cache->clear();  // some layers hold the new tokens, others not
      return cancelled_result();
    }
  }
  if (cache) cache->advance(S);

  const RowMatrix last = final_norm(x);  // [S, n_embd]
  ForwardResult& res = run.result();
  if (hp_.lm_head && opt.logits != LogitsMode::None) {
    const RowMatrix z = unembed(opt.logits == LogitsMode::All ? last : RowMatrix(last.bottomRows(1)));  // [S or 1, V]
    res.logits = Tensor({z.rows(), z.cols()});
    res.logits.matrix() = z;
  }
  return run.finish(last);
}

RowMatrix Gpt2Model::attention_output_weight(int layer) const {
  require_layer(layer);
  return layers_[static_cast<size_t>(layer)].c_proj.to_f32();  // Conv1D: already [in, out]
}

RowMatrix Gpt2Model::unembed(const RowMatrix& rows) const {
  if (!hp_.lm_head) return Model::unembed(rows);
  RowMatrix z = rows * output_.matrix().transpose();  // [R, V]
  return z;
}

}  // namespace

std::unique_ptr<Model> load_gpt2(const CheckpointFiles& files, const JsonObject& config) {
  return std::make_unique<Gpt2Model>(files, config);
}

}  // namespace attnscope
