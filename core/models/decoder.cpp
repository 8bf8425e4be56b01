// The decoder-only LLMs (decoder.h). One forward loop; what differs between the families is in
// the Architecture descriptor and in which of the tensors below a checkpoint stores:
//   norm -> attention (q/k-norm, rotary, GQA, window, soft-cap) -> [post-norm] -> residual
//   norm -> gated MLP -> [post-norm] -> residual
#include "core/models/decoder.h"

#include <cmath>

#include "core/common/error.h"
#include "core/models/forward_run.h"
#include "core/models/layers.h"

namespace attnscope {

namespace {

// Rows of the feed-forward at a time for inputs longer than this: its intermediates grow with S x F.
constexpr int kMlpRows = 1024;

// P = model.layers.N. (multimodal: language_model.model.layers.N.); D = hidden, H / Hkv = heads, d = head_dim, F = intermediate. The matrices
// of a BF16 / F16 checkpoint stay 16-bit (WeightStore::get_matrix); norms and biases are float32.
struct DecoderLayer {
  Weight attn_norm;       // P.input_layernorm.weight                 [D]
  Weight wq, wk, wv;      // P.self_attn.{q,k,v}_proj.weight          [H d, D], [Hkv d, D], [Hkv d, D]
  Weight wqkv;            // P.self_attn.qkv_proj.weight              [(H + 2 Hkv) d, D]  (Phi-3, instead)
  Weight bq, bk, bv;      // P.self_attn.{q,k,v}_proj.bias            [H d], [Hkv d], [Hkv d]  (Qwen 2, attention_bias)
  Weight q_norm, k_norm;  // P.self_attn.{q,k}_norm.weight            [d]  (Qwen 3, Gemma 3)
  Weight wo, bo;          // P.self_attn.o_proj.{weight,bias}         [D, H d], [D]
  Weight post_attn_norm;  // P.post_attention_layernorm.weight        [D]  (Gemma: after attention)
  Weight ffn_norm;        // P.post_attention_layernorm.weight        [D]  (Gemma: P.pre_feedforward_layernorm)
  Weight post_ffn_norm;   // P.post_feedforward_layernorm.weight      [D]  (Gemma)
  Weight w_gate, w_up;    // P.mlp.{gate,up}_proj.weight              [F, D]
  Weight w_gate_up;       // P.mlp.gate_up_proj.weight                [2F, D]  (Phi-3, instead; gate rows first)
  Weight w_down;          // P.mlp.down_proj.weight                   [D, F]
};

class DecoderModel final : public Model {
 public:
  DecoderModel(const CheckpointFiles& files, const JsonObject& config);
  ForwardResult forward(const ForwardInput& input, const ForwardOptions& options, const ProgressFn& progress) const override;
  RowMatrix unembed(const RowMatrix& rows) const override;
  RowMatrix final_norm(const RowMatrix& rows) const override;
  RowMatrix attention_output_weight(int layer) const override;

 private:
  Architecture a_;
  WeightStore store_;
  Weight tok_embd_;  // model.embed_tokens.weight  [V, D]
  Weight norm_;      // model.norm.weight          [D]
  Weight output_;    // lm_head.weight             [V, D] (tied: = tok_embd_)
  std::vector<DecoderLayer> layers_;
  std::vector<float> inv_freq_global_, inv_freq_local_;  // [rotated dims / 2]; local: Gemma 3 only
};

DecoderModel::DecoderModel(const CheckpointFiles& files, const JsonObject& c)
    : a_(read_decoder_architecture(c)), store_(files) {
  const int64_t D = a_.hidden_size, d = a_.head_dim, Q = int64_t(a_.num_heads) * d, KV = int64_t(a_.num_kv_heads) * d,
                F = a_.intermediate_size, V = a_.vocab_size;
  // M = "model." or, in multimodal checkpoints (Gemma 3 4B+), the language model's prefix.
  const std::string M =
      store_.find_prefix({"model.", "language_model.model.", "model.language_model."}, "embed_tokens.weight").value_or("model.");
  tok_embd_ = store_.get_matrix(M + "embed_tokens.weight", {V, D});
  norm_ = store_.get(M + "norm.weight", {D});
  if (!a_.tied_output)
    output_ = store_.get_matrix(store_.find_prefix({"", "language_model."}, "lm_head.weight").value_or("") + "lm_head.weight", {V, D});
  else
    output_ = tok_embd_;
  if (M != "model.") info_.warnings.push_back("multimodal checkpoint: only the language model runs (text input)");
  for (int il = 0; il < a_.num_layers; ++il) {
    const std::string p = M + "layers." + std::to_string(il) + ".";
    DecoderLayer l;
    l.attn_norm = store_.get(p + "input_layernorm.weight", {D});
    if (a_.fused_qkv) {
      l.wqkv = store_.get_matrix(p + "self_attn.qkv_proj.weight", {Q + 2 * KV, D});
    } else {
      l.wq = store_.get_matrix(p + "self_attn.q_proj.weight", {Q, D});
      l.wk = store_.get_matrix(p + "self_attn.k_proj.weight", {KV, D});
      l.wv = store_.get_matrix(p + "self_attn.v_proj.weight", {KV, D});
    }
    if (a_.qkv_bias) {
      l.bq = store_.get(p + "self_attn.q_proj.bias", {Q});
      l.bk = store_.get(p + "self_attn.k_proj.bias", {KV});
      l.bv = store_.get(p + "self_attn.v_proj.bias", {KV});
    }
    if (a_.qk_norm) {
      l.q_norm = store_.get(p + "self_attn.q_norm.weight", {d});
      l.k_norm = store_.get(p + "self_attn.k_norm.weight", {d});
    }
    l.wo = store_.get_matrix(p + "self_attn.o_proj.weight", {D, Q});
    if (a_.output_bias) l.bo = store_.get(p + "self_attn.o_proj.bias", {D});
    if (a_.sandwich_norms) {
      l.post_attn_norm = store_.get(p + "post_attention_layernorm.weight", {D});
      l.ffn_norm = store_.get(p + "pre_feedforward_layernorm.weight", {D});
      l.post_ffn_norm = store_.get(p + "post_feedforward_layernorm.weight", {D});
    } else {
      l.ffn_norm = store_.get(p + "post_attention_layernorm.weight", {D});
    }
    if (a_.fused_gate_up) {
      l.w_gate_up = store_.get_matrix(p + "mlp.gate_up_proj.weight", {2 * F, D});
    } else {
      l.w_gate = store_.get_matrix(p + "mlp.gate_proj.weight", {F, D});
      l.w_up = store_.get_matrix(p + "mlp.up_proj.weight", {F, D});
    }
    l.w_down = store_.get_matrix(p + "mlp.down_proj.weight", {D, F});
    layers_.push_back(l);
  }
  inv_freq_global_ = a_.rope.inverse_frequencies(a_.head_dim);
  if (a_.local_rope) inv_freq_local_ = a_.local_rope->inverse_frequencies(a_.head_dim);

  info_.set_architecture(a_);
  info_.head = HeadKind::LanguageModel;
  info_.kv_cache = true;
  info_.eos_ids = read_eos_ids(c, files.dir, a_.vocab_size);
  info_.parameter_count = store_.parameter_count();
  info_.weights_bytes = store_.file_bytes();
  for (const auto& n : store_.nonfinite()) info_.warnings.push_back("weight '" + n + "' contains NaN or Inf");
}

ForwardResult DecoderModel::forward(const ForwardInput& in, const ForwardOptions& opt, const ProgressFn& progress) const {
  const int S = static_cast<int>(in.input_ids.size());
  KvCache* cache = in.cache;
  const int past = cache ? cache->length : 0;  // tokens read before these
  ForwardRun run(info_, S, opt, progress, "max_position_embeddings", past);
  const int H = a_.num_heads, Hkv = a_.num_kv_heads, d = a_.head_dim;
  const float eps = a_.norm_eps, off = a_.norm_offset;
  const layers::Activation act = a_.mlp == MlpKind::GeGlu ? layers::Activation::GeluTanh : layers::Activation::Silu;

  RowMatrix x;          // [S, D] residual stream
  RowMatrix cur;        // [S, D] normalised input of a block
  RowMatrix qkv;        // [S, (H + 2 Hkv) d] (fused projection)
  RowMatrix q;          // [S, H d]
  RowMatrix k, v;       // [S, Hkv d]
  // With a cache, attention reads the layer's cached keys and values [past + S, Hkv d].
  RowMatrix ctx;        // [S, H d]
  RowMatrix tmp, out;   // [S, D]
  RowMatrix gate, up;   // [S or kMlpRows, F] (gate_up: [.., 2F])
  layers::embed(tok_embd_, in.input_ids, x, "token");
  if (a_.embedding_scale != 1) x *= a_.embedding_scale;
  run.cb(x, Tap::Hidden, -1);

  const layers::RopeTable rope_global(inv_freq_global_, past + S);
  const layers::RopeTable rope_local(inv_freq_local_, a_.local_rope ? past + S : 0);  // Gemma 3's sliding layers

  layers::AttentionParams ap;
  ap.num_heads = H;
  ap.num_kv_heads = Hkv;
  ap.head_dim = d;
  ap.scale_divisor = a_.scale_divisor();
  ap.causal = true;
  ap.softcap = a_.attn_softcap;

  for (int il = 0; il < a_.num_layers; ++il) {
    const DecoderLayer& L = layers_[il];
    run.begin_layer(il);
    // self-attention {
    {
      layers::rms_norm(x, L.attn_norm, eps, cur, off);
      run.cb(cur, Tap::AttnIn, il);
      if (L.wqkv) {
        layers::linear(cur, L.wqkv, Weight{}, qkv);
        q = qkv.leftCols(int64_t(H) * d);
        k = qkv.middleCols(int64_t(H) * d, int64_t(Hkv) * d);
        v = qkv.rightCols(int64_t(Hkv) * d);
      } else {
        layers::linear(cur, L.wq, L.bq, q);
        layers::linear(cur, L.wk, L.bk, k);
        layers::linear(cur, L.wv, L.bv, v);
      }
      run.cb(v, Tap::V, il);
      if (L.q_norm) {
        layers::head_rms_norm(q, H, d, L.q_norm, eps, off);
        layers::head_rms_norm(k, Hkv, d, L.k_norm, eps, off);
      }
      const layers::RopeTable& table = a_.local_rope && a_.sliding(il) ? rope_local : rope_global;
      layers::rope(q, H, d, table, past);
      layers::rope(k, Hkv, d, table, past);
      run.cb(q, Tap::Q, il);
      run.cb(k, Tap::K, il);
      ap.window = a_.window[static_cast<size_t>(il)];
      if (cache) {
        cache->append(il, k, v);
        run.attend(q, cache->k[static_cast<size_t>(il)], cache->v[static_cast<size_t>(il)], ap, il, ctx);
      } else {
        run.attend(q, k, v, ap, il, ctx);
      }
      layers::linear(ctx, L.wo, L.bo, tmp);
      if (L.post_attn_norm) {
        layers::rms_norm(tmp, L.post_attn_norm, eps, out, off);
        tmp.swap(out);
      }
      run.cb(tmp, Tap::AttnOut, il);
      x += tmp;
      run.cb(x, Tap::Resid, il);
    }
    // }
    // feed-forward {
    {
      layers::rms_norm(x, L.ffn_norm, eps, cur, off);
      run.cb(cur, Tap::MlpIn, il);
      const auto mlp = [&](const RowMatrix& in, RowMatrix& result) {  // in [n, D] -> result [n, D]
        if (L.w_gate_up) {
          layers::linear(in, L.w_gate_up, Weight{}, up);
          gate = up.leftCols(a_.intermediate_size);
          up = up.rightCols(a_.intermediate_size).eval();
        } else {
          layers::linear(in, L.w_gate, Weight{}, gate);
          layers::linear(in, L.w_up, Weight{}, up);
        }
        layers::activate(gate, act);
        gate.array() *= up.array();
        layers::linear(gate, L.w_down, Weight{}, result);
      };
      if (S <= kMlpRows) {
        mlp(cur, tmp);
      } else {  // a long input in row chunks: 8k tokens' two [S, F] intermediates would hold 512 MiB
        tmp.resize(S, cur.cols());
        RowMatrix rows, part;  // [n, D]
        for (Eigen::Index r0 = 0; r0 < S; r0 += kMlpRows) {
          const Eigen::Index n = std::min<Eigen::Index>(kMlpRows, S - r0);
          rows = cur.middleRows(r0, n);
          mlp(rows, part);
          tmp.middleRows(r0, n) = part;
        }
      }
      if (L.post_ffn_norm) {
        layers::rms_norm(tmp, L.post_ffn_norm, eps, out, off);
        tmp.swap(out);
      }
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

  const RowMatrix last = final_norm(x);  // [S, D]
  ForwardResult& res = run.result();
  if (opt.logits != LogitsMode::None) {
    const RowMatrix z = unembed(opt.logits == LogitsMode::All ? last : RowMatrix(last.bottomRows(1)));  // [S or 1, V]
    res.logits = Tensor({z.rows(), z.cols()});
    res.logits.matrix() = z;
  }
  return run.finish(last);
}

RowMatrix DecoderModel::attention_output_weight(int layer) const {
  require_layer(layer);
  if (a_.sandwich_norms)
    fail(ErrorKind::Usage, info_.model_type + " normalises the attention output (post_attention_layernorm), so it is not a sum of one part per head");
  return layers_[static_cast<size_t>(layer)].wo.to_f32().transpose();  // o_proj [D, H d] -> [H d, D]
}

RowMatrix DecoderModel::final_norm(const RowMatrix& rows) const {
  RowMatrix out;  // [R, D]
  layers::rms_norm(rows, norm_, a_.norm_eps, out, a_.norm_offset);
  return out;
}

RowMatrix DecoderModel::unembed(const RowMatrix& rows) const {
  RowMatrix z;  // [R, V]
  layers::linear(rows, output_, Weight{}, z);
  if (a_.final_softcap > 0) z = z.unaryExpr([this](float v) { return layers::softcap_score(v, a_.final_softcap); });
  return z;
}

}  // namespace

std::unique_ptr<Model> load_decoder(const CheckpointFiles& files, const JsonObject& config) {
  return std::make_unique<DecoderModel>(files, config);
}

}  // namespace attnscope
