// ViT / DeiT / DINO / DINOv2: patch embedding by a stride-P convolution, [CLS] (+ DeiT's
// distillation token) prepended, learned position embeddings (bicubically interpolated for other
// grid sizes, as HF's interpolate_pos_encoding), DINOv2's register tokens inserted after them,
// pre-LayerNorm encoder (DINOv2: LayerScale on both branches), final LayerNorm, optional heads.
#include "core/models/vit.h"

#include <algorithm>
#include <cmath>

#include "core/common/error.h"
#include "core/models/forward_run.h"
#include "core/models/layers.h"

namespace attnscope {

namespace {

enum class VitHead { None, Classifier, Teacher };

struct VitHParams {
  int n_embd = 0;
  int n_layer = 0;
  int n_head = 0;
  int head_dim = 0;
  int n_ff = 0;
  int n_channels = 3;
  int image_size = 0;   // training resolution (square)
  int patch_size = 0;
  int n_grid = 0;       // training grid side, image_size / patch_size
  int n_prefix = 1;     // CLS (+ distillation token) (+ registers)
  int n_registers = 0;  // DINOv2 with registers: tokens after CLS that get no position row
  int n_labels = 0;
  bool dinov2 = false;          // LayerScale, norm1/mlp.fc1 names, pooler = CLS, classifier on [CLS, mean(patches)]
  bool pos_antialias = false;   // Dinov2WithRegisters interpolates with antialias=True
  float eps = 1e-12f;
  bool qkv_bias = true;
  layers::Activation act = layers::Activation::GeluErf;
  VitHead head = VitHead::None;
};

struct VitLayer {
  Weight ln1_w, ln1_b;  // P.encoder.layer.N.layernorm_before.{weight,bias}            [n_embd]
  Weight wq, bq;        // P.encoder.layer.N.attention.attention.query.{weight,bias}  [n_embd, n_embd], [n_embd]
  Weight wk, bk;        // P.encoder.layer.N.attention.attention.key.{weight,bias}    [n_embd, n_embd], [n_embd]
  Weight wv, bv;        // P.encoder.layer.N.attention.attention.value.{weight,bias}  [n_embd, n_embd], [n_embd]
  Weight wo, bo;        // P.encoder.layer.N.attention.output.dense.{weight,bias}     [n_embd, n_embd], [n_embd]
  Weight ln2_w, ln2_b;  // P.encoder.layer.N.layernorm_after.{weight,bias}             [n_embd]
  Weight w1, b1;        // P.encoder.layer.N.intermediate.dense.{weight,bias}          [n_ff, n_embd], [n_ff]
  Weight w2, b2;        // P.encoder.layer.N.output.dense.{weight,bias}                [n_embd, n_ff], [n_embd]
  Weight ls1, ls2;      // DINOv2: P.encoder.layer.N.layer_scale{1,2}.lambda1          [n_embd]
};
// DINOv2 names the same parts norm1, norm2, mlp.fc1, mlp.fc2.

// Captured attention above this size is refused rather than attempted.
constexpr uint64_t kMaxAttentionBytes = 6ull << 30;

class VitModel final : public Model {
 public:
  VitModel(const CheckpointFiles& files, const JsonObject& config);
  ForwardResult forward(const ForwardInput& input, const ForwardOptions& options, const ProgressFn& progress) const override;
  RowMatrix attention_output_weight(int layer) const override {
    require_layer(layer);
    const VitLayer& L = layers_[static_cast<size_t>(layer)];
    RowMatrix w = L.wo.to_f32().transpose();  // torch Linear [out, in] -> [in, out]
    if (L.ls1) w.array().rowwise() *= L.ls1.row().array();  // DINOv2: the layer scale is part of what the block adds
    return w;
  }

 private:
  // Position rows to add for a gh x gw grid of an H x W input; `interpolated` tells whether they
  // differ from the stored ones.
  RowMatrix positions(int gh, int gw, int H, int W, bool& interpolated) const;

  // Prefix tokens that carry a position row: all but the registers.
  int positioned_prefix() const { return hp_.n_prefix - hp_.n_registers; }

  VitHParams hp_;
  WeightStore store_;
  Weight patch_w_;     // P.embeddings.patch_embeddings.projection.weight  [n_embd, n_channels, patch, patch]
  Weight patch_b_;     // P.embeddings.patch_embeddings.projection.bias    [n_embd]
  Weight cls_;         // P.embeddings.cls_token                           [1, 1, n_embd]
  Weight dist_;        // P.embeddings.distillation_token                  [1, 1, n_embd] (deit)
  Weight registers_;   // P.embeddings.register_tokens                     [1, n_registers, n_embd] (dinov2 with registers)
  Weight pos_;         // P.embeddings.position_embeddings                 [1, n_pos_prefix + n_grid^2, n_embd]
  Weight norm_w_, norm_b_;      // P.layernorm.{weight,bias}               [n_embd]
  Weight pooler_w_, pooler_b_;  // P.pooler.dense.{weight,bias}            [n_embd, n_embd] (optional, *Model)
  Weight head_w_, head_b_;      // classifier / cls_classifier.{weight,bias}  [n_labels, n_embd] (DINOv2: [n_labels, 2 n_embd])
  Weight dist_w_, dist_b_;      // distillation_classifier.{weight,bias}      [n_labels, n_embd] (teacher)
  std::vector<VitLayer> layers_;
};

VitHead head_of(const std::string& arch, const WeightStore& store) {
  if (arch.ends_with("WithTeacher")) return VitHead::Teacher;
  if (arch.ends_with("ForImageClassification")) return VitHead::Classifier;
  if (!arch.empty()) return VitHead::None;
  if (store.has("cls_classifier.weight") && store.has("distillation_classifier.weight")) return VitHead::Teacher;
  return store.has("classifier.weight") ? VitHead::Classifier : VitHead::None;
}

VitModel::VitModel(const CheckpointFiles& files, const JsonObject& c) : store_(files) {
  const std::string type = c.string("model_type");
  std::string arch;
  if (c.json().contains("architectures") && c.json()["architectures"].is_array() && !c.json()["architectures"].empty() &&
      c.json()["architectures"][0].is_string())
    arch = c.json()["architectures"][0].get<std::string>();
  hp_.n_embd = static_cast<int>(c.integer("hidden_size", 1, 1 << 16));
  hp_.n_layer = static_cast<int>(c.integer("num_hidden_layers", 1, 1024));
  hp_.n_head = static_cast<int>(c.integer("num_attention_heads", 1, 1024));
  if (hp_.n_embd % hp_.n_head != 0) c.fail_key("hidden_size", "must be divisible by num_attention_heads");
  hp_.head_dim = hp_.n_embd / hp_.n_head;
  hp_.dinov2 = type == "dinov2" || type == "dinov2_with_registers";
  if (hp_.dinov2) {
    if (c.boolean_or("use_swiglu_ffn", false))
      c.fail_key("use_swiglu_ffn", "= true (the SwiGLU feed-forward of DINOv2-giant) is not supported yet");
    hp_.n_ff = static_cast<int>(c.integer_or("mlp_ratio", 4, 1, 64)) * hp_.n_embd;
    hp_.n_registers = static_cast<int>(c.integer_or("num_register_tokens", 0, 0, 1024));
    hp_.pos_antialias = type == "dinov2_with_registers";
  } else {
    hp_.n_ff = static_cast<int>(c.integer("intermediate_size", 1, 1 << 20));
  }
  hp_.n_channels = static_cast<int>(c.integer_or("num_channels", 3, 3, 3));
  hp_.image_size = static_cast<int>(c.integer_or("image_size", 224, 1, 1 << 14));
  hp_.patch_size = static_cast<int>(c.integer_or("patch_size", 16, 1, 1024));
  if (hp_.image_size % hp_.patch_size != 0) c.fail_key("image_size", "must be a multiple of patch_size");
  hp_.n_grid = hp_.image_size / hp_.patch_size;
  hp_.n_prefix = (type == "deit" ? 2 : 1) + hp_.n_registers;
  hp_.eps = static_cast<float>(c.number_or("layer_norm_eps", 1e-12, 0, 1));
  hp_.qkv_bias = c.boolean_or("qkv_bias", true);
  hp_.act = layers::parse_activation(c.string_or("hidden_act", "gelu"), "config.json 'hidden_act'");

  const int64_t E = hp_.n_embd, F = hp_.n_ff, Pz = hp_.patch_size;
  const auto prefix = store_.find_prefix({type + ".", ""}, "embeddings.cls_token");
  if (!prefix) fail(ErrorKind::Model, store_.label() + ": no '" + type + ".embeddings.cls_token' or 'embeddings.cls_token' tensor");
  const std::string P = *prefix;
  patch_w_ = store_.get(P + "embeddings.patch_embeddings.projection.weight", {E, hp_.n_channels, Pz, Pz});
  patch_b_ = store_.get(P + "embeddings.patch_embeddings.projection.bias", {E});
  cls_ = store_.get(P + "embeddings.cls_token", {1, 1, E});
  if (type == "deit") dist_ = store_.get(P + "embeddings.distillation_token", {1, 1, E});
  if (hp_.n_registers > 0) registers_ = store_.get(P + "embeddings.register_tokens", {1, hp_.n_registers, E});
  pos_ = store_.get(P + "embeddings.position_embeddings", {1, positioned_prefix() + int64_t(hp_.n_grid) * hp_.n_grid, E});
  const std::string ln1 = hp_.dinov2 ? "norm1" : "layernorm_before", ln2 = hp_.dinov2 ? "norm2" : "layernorm_after";
  const std::string fc1 = hp_.dinov2 ? "mlp.fc1" : "intermediate.dense", fc2 = hp_.dinov2 ? "mlp.fc2" : "output.dense";
  for (int il = 0; il < hp_.n_layer; ++il) {
    const std::string p = P + "encoder.layer." + std::to_string(il) + ".";
    VitLayer l;
    l.ln1_w = store_.get(p + ln1 + ".weight", {E});
    l.ln1_b = store_.get(p + ln1 + ".bias", {E});
    l.wq = store_.get(p + "attention.attention.query.weight", {E, E});
    l.wk = store_.get(p + "attention.attention.key.weight", {E, E});
    l.wv = store_.get(p + "attention.attention.value.weight", {E, E});
    if (hp_.qkv_bias) {
      l.bq = store_.get(p + "attention.attention.query.bias", {E});
      l.bk = store_.get(p + "attention.attention.key.bias", {E});
      l.bv = store_.get(p + "attention.attention.value.bias", {E});
    }
    l.wo = store_.get(p + "attention.output.dense.weight", {E, E});
    l.bo = store_.get(p + "attention.output.dense.bias", {E});
    l.ln2_w = store_.get(p + ln2 + ".weight", {E});
    l.ln2_b = store_.get(p + ln2 + ".bias", {E});
    l.w1 = store_.get(p + fc1 + ".weight", {F, E});
    l.b1 = store_.get(p + fc1 + ".bias", {F});
    l.w2 = store_.get(p + fc2 + ".weight", {E, F});
    l.b2 = store_.get(p + fc2 + ".bias", {E});
    if (hp_.dinov2) {
      l.ls1 = store_.get(p + "layer_scale1.lambda1", {E});
      l.ls2 = store_.get(p + "layer_scale2.lambda1", {E});
    }
    layers_.push_back(l);
  }
  norm_w_ = store_.get(P + "layernorm.weight", {E});
  norm_b_ = store_.get(P + "layernorm.bias", {E});

  hp_.head = head_of(arch, store_);
  if (hp_.head == VitHead::None && hp_.dinov2) {
    // Dinov2Model's pooler_output is the normalised CLS row itself.
  } else if (hp_.head == VitHead::None) {
    pooler_w_ = store_.get_optional(P + "pooler.dense.weight", {E, E});
    if (pooler_w_) pooler_b_ = store_.get(P + "pooler.dense.bias", {E});
  } else {
    const auto& j = c.json();
    const int64_t id2label = j.contains("id2label") && j["id2label"].is_object() ? static_cast<int64_t>(j["id2label"].size()) : 0;
    hp_.n_labels = static_cast<int>(id2label > 0 ? id2label : c.integer_or("num_labels", 2, 1, 1 << 20));
    const int64_t C = hp_.n_labels;
    const std::string head = hp_.head == VitHead::Teacher ? "cls_classifier" : "classifier";
    head_w_ = store_.get(head + ".weight", {C, hp_.dinov2 ? 2 * E : E});
    head_b_ = store_.get(head + ".bias", {C});
    if (hp_.head == VitHead::Teacher) {
      dist_w_ = store_.get("distillation_classifier.weight", {C, E});
      dist_b_ = store_.get("distillation_classifier.bias", {C});
    }
  }

  Architecture a = learned_position_architecture(type, hp_.n_layer, hp_.n_embd, hp_.n_head, hp_.n_ff, hp_.eps,
                                                 layers::plain_mlp(hp_.act), false);
  a.qkv_bias = hp_.qkv_bias;
  info_.set_architecture(a);
  info_.modality = Modality::Image;
  info_.head = hp_.head == VitHead::None ? HeadKind::None : HeadKind::Classifier;
  info_.image_size = hp_.image_size;
  info_.patch_size = hp_.patch_size;
  info_.num_channels = hp_.n_channels;
  info_.num_prefix_tokens = hp_.n_prefix;
  info_.num_register_tokens = hp_.n_registers;
  info_.parameter_count = store_.parameter_count();
  info_.weights_bytes = store_.file_bytes();
  for (const auto& n : store_.nonfinite()) info_.warnings.push_back("weight '" + n + "' contains NaN or Inf");
}

RowMatrix VitModel::positions(int gh, int gw, int H, int W, bool& interpolated) const {
  const int n = hp_.n_grid, np = positioned_prefix(), E = hp_.n_embd;
  const ConstMatrixMap stored(pos_.data, np + n * n, E);
  // HF keeps the stored rows only for the training grid of a square input.
  interpolated = !(gh * gw == n * n && H == W);
  if (!interpolated) return stored;
  RowMatrix out(np + gh * gw, E);
  out.topRows(np) = stored.topRows(np);
  const ConstMatrixMap grid(pos_.data + static_cast<size_t>(np) * E, n * n, E);
  out.bottomRows(gh * gw) = interpolate_bicubic(grid, n, n, gh, gw, hp_.pos_antialias);
  return out;
}

ForwardResult VitModel::forward(const ForwardInput& in, const ForwardOptions& opt, const ProgressFn& progress) const {
  refuse_kv_cache(in, info_);
  const Tensor& px = in.pixel_values;
  if (px.shape.size() != 3 || px.shape[0] != hp_.n_channels)
    fail(ErrorKind::Input, "pixel_values must have shape [" + std::to_string(hp_.n_channels) + ", H, W], got " + shape_to_string(px.shape));
  const int H = static_cast<int>(px.shape[1]), W = static_cast<int>(px.shape[2]), Pz = hp_.patch_size;
  if (H < Pz || W < Pz)
    fail(ErrorKind::Input, "the input image (" + std::to_string(W) + "x" + std::to_string(H) + ") is smaller than one " +
                               std::to_string(Pz) + "x" + std::to_string(Pz) + " patch");
  const int gh = H / Pz, gw = W / Pz, N = gh * gw, S = hp_.n_prefix + N, E = hp_.n_embd;
  const size_t captured = opt.layers.empty() ? static_cast<size_t>(hp_.n_layer) : opt.layers.size();
  const uint64_t attn_bytes = uint64_t(captured) * hp_.n_head * uint64_t(S) * uint64_t(S) * (opt.attention_f16 ? 2u : 4u);
  if (attn_bytes > kMaxAttentionBytes)
    fail(ErrorKind::Resource, "the attention maps of " + std::to_string(S) + " tokens would take " + std::to_string(attn_bytes >> 20) +
                                  " MiB; capture fewer layers or use a smaller input size");
  ForwardRun run(info_, S, opt, progress);
  ForwardResult& res = run.result();

  RowMatrix patches;  // [N, n_channels*P*P], each row one patch in the conv weight's (c, y, x) order
  RowMatrix x;        // [S, n_embd] residual stream
  RowMatrix cur;      // [S, n_embd] normalised input of a block
  RowMatrix q, k, v;  // [S, n_embd]
  RowMatrix ctx;      // [S, n_embd]
  RowMatrix tmp;      // [S, n_embd]
  RowMatrix ff;       // [S, n_ff]

  // embeddings {
  {
    const int K = hp_.n_channels * Pz * Pz;
    patches.resize(N, K);
    for (int r = 0; r < gh; ++r)
      for (int col = 0; col < gw; ++col) {
        float* dst = patches.data() + static_cast<size_t>(r * gw + col) * K;
        for (int ch = 0; ch < hp_.n_channels; ++ch)
          for (int dy = 0; dy < Pz; ++dy) {
            const float* src = px.data.data() + (static_cast<size_t>(ch) * H + static_cast<size_t>(r * Pz + dy)) * W + col * Pz;
            std::copy_n(src, Pz, dst + (ch * Pz + dy) * Pz);
          }
      }
    const int R = hp_.n_registers, np = positioned_prefix();
    x.resize(S, E);
    x.row(0) = cls_.row();
    if (dist_) x.row(1) = dist_.row();
    x.bottomRows(N).noalias() = patches * ConstMatrixMap(patch_w_.data, E, K).transpose();
    x.bottomRows(N).rowwise() += patch_b_.row();
    bool interpolated = false;
    RowMatrix pos = positions(gh, gw, H, W, interpolated);  // [np + N, n_embd]
    x.topRows(np) += pos.topRows(np);
    x.bottomRows(N) += pos.bottomRows(N);
    // The registers go in after the positions were added, between CLS and the patches.
    if (R > 0) x.middleRows(np, R) = ConstMatrixMap(registers_.data, R, E);
    if (interpolated) {
      Tensor t({np + N, E});
      t.matrix() = pos;
      res.extras.emplace_back("position_embeddings", std::move(t));
    }
  }
  // }
  run.cb(x, Tap::Hidden, -1);

  layers::AttentionParams ap;
  ap.num_heads = hp_.n_head;
  ap.num_kv_heads = hp_.n_head;
  ap.head_dim = hp_.head_dim;
  ap.scale_divisor = std::sqrt(static_cast<float>(hp_.head_dim));

  for (int il = 0; il < hp_.n_layer; ++il) {
    const VitLayer& L = layers_[il];
    run.begin_layer(il);
    // self-attention {
    {
      layers::layer_norm(x, L.ln1_w, L.ln1_b, hp_.eps, cur);
      run.cb(cur, Tap::AttnIn, il);
      layers::linear(cur, L.wq, L.bq, q);
      layers::linear(cur, L.wk, L.bk, k);
      layers::linear(cur, L.wv, L.bv, v);
      run.cb(v, Tap::V, il);
      run.cb(q, Tap::Q, il);
      run.cb(k, Tap::K, il);
      run.attend(q, k, v, ap, il, ctx);
      layers::linear(ctx, L.wo, L.bo, tmp);
      if (L.ls1) tmp.array().rowwise() *= L.ls1.row().array();
      run.cb(tmp, Tap::AttnOut, il);
      x += tmp;
      run.cb(x, Tap::Resid, il);
    }
    // }
    // feed-forward {
    {
      layers::layer_norm(x, L.ln2_w, L.ln2_b, hp_.eps, cur);
      run.cb(cur, Tap::MlpIn, il);
      layers::linear(cur, L.w1, L.b1, ff);
      layers::activate(ff, hp_.act);
      layers::linear(ff, L.w2, L.b2, tmp);
      if (L.ls2) tmp.array().rowwise() *= L.ls2.row().array();
      run.cb(tmp, Tap::MlpOut, il);
      x += tmp;
    }
    // }
    if (!run.end_layer(x, il)) return cancelled_result();
  }

  RowMatrix last;  // [S, n_embd]
  layers::layer_norm(x, norm_w_, norm_b_, hp_.eps, last);

  // heads {
  {
    auto head = [&](const Weight& w, const Weight& b, int row) {
      Tensor t({hp_.n_labels});
      Eigen::Map<Eigen::RowVectorXf>(t.data.data(), hp_.n_labels).noalias() = last.row(row) * w.matrix().transpose() + b.row();
      return t;
    };
    if (hp_.head == VitHead::Classifier && hp_.dinov2) {
      Eigen::RowVectorXf features(2 * E);  // [CLS, mean of the patch tokens], registers left out
      features.head(E) = last.row(0);
      features.tail(E) = last.bottomRows(N).colwise().mean();
      res.logits = Tensor({hp_.n_labels});
      Eigen::Map<Eigen::RowVectorXf>(res.logits.data.data(), hp_.n_labels).noalias() =
          features * head_w_.matrix().transpose() + head_b_.row();
    } else if (hp_.head == VitHead::Classifier) {
      res.logits = head(head_w_, head_b_, 0);
    } else if (hp_.head == VitHead::Teacher) {
      Tensor cls_logits = head(head_w_, head_b_, 0), dist_logits = head(dist_w_, dist_b_, 1);
      res.logits = Tensor({hp_.n_labels});
      for (int i = 0; i < hp_.n_labels; ++i) res.logits.data[i] = (cls_logits.data[i] + dist_logits.data[i]) / 2;
      res.extras.emplace_back("cls_logits", std::move(cls_logits));
      res.extras.emplace_back("distillation_logits", std::move(dist_logits));
    } else if (hp_.dinov2) {
      Tensor pooled({E});
      Eigen::Map<Eigen::RowVectorXf>(pooled.data.data(), E) = last.row(0);
      res.extras.emplace_back("pooler_output", std::move(pooled));
    } else if (pooler_w_) {
      Tensor pooled({E});
      Eigen::Map<Eigen::RowVectorXf> p(pooled.data.data(), E);
      p.noalias() = last.row(0) * pooler_w_.matrix().transpose() + pooler_b_.row();
      p = p.array().tanh();
      res.extras.emplace_back("pooler_output", std::move(pooled));
    }
  }
  // }
  return run.finish(last);
}

// Keys cubic convolution weights of the four taps around fractional offset t (A = -0.75).
void cubic_weights(double t, double w[4]) {
  constexpr double A = -0.75;
  auto near = [](double x) { return ((A + 2) * x - (A + 3)) * x * x + 1; };        // |x| <= 1
  auto far = [](double x) { return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A; };   // 1 < |x| < 2
  w[0] = far(t + 1);
  w[1] = near(t);
  w[2] = near(1 - t);
  w[3] = far(2 - t);
}

// [n_out, n_in] matrix of one axis of PyTorch's bicubic resize (border taps clamped).
Eigen::MatrixXd bicubic_axis(int n_in, int n_out) {
  Eigen::MatrixXd M = Eigen::MatrixXd::Zero(n_out, n_in);
  const double scale = static_cast<double>(n_in) / n_out;
  for (int i = 0; i < n_out; ++i) {
    const double src = scale * (i + 0.5) - 0.5;
    const double i0 = std::floor(src);
    double w[4];
    cubic_weights(src - i0, w);
    for (int j = 0; j < 4; ++j) M(i, std::clamp(static_cast<int>(i0) - 1 + j, 0, n_in - 1)) += w[j];
  }
  return M;
}

// [n_out, n_in] matrix of one axis of PyTorch's antialiased bicubic resize (Pillow's filter,
// A = -0.5): widened by the scale when shrinking, taps inside the grid only, normalised to 1.
Eigen::MatrixXd antialias_bicubic_axis(int n_in, int n_out) {
  constexpr double A = -0.5;
  auto cubic = [](double x) {
    x = std::fabs(x);
    if (x < 1) return ((A + 2) * x - (A + 3)) * x * x + 1;
    if (x < 2) return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
    return 0.0;
  };
  Eigen::MatrixXd M = Eigen::MatrixXd::Zero(n_out, n_in);
  const double scale = static_cast<double>(n_in) / n_out, widen = std::max(scale, 1.0), support = 2 * widen;
  for (int i = 0; i < n_out; ++i) {
    const double center = scale * (i + 0.5);
    const int lo = std::max(static_cast<int>(center - support + 0.5), 0);
    const int hi = std::min(static_cast<int>(center + support + 0.5), n_in);
    double total = 0;
    for (int j = lo; j < hi; ++j) total += M(i, j) = cubic((j - center + 0.5) / widen);
    if (total != 0) M.row(i) /= total;
  }
  return M;
}

}  // namespace

RowMatrix interpolate_bicubic(const ConstMatrixMap& grid, int in_h, int in_w, int out_h, int out_w, bool antialias) {
  const Eigen::MatrixXd My = antialias ? antialias_bicubic_axis(in_h, out_h) : bicubic_axis(in_h, out_h);
  const Eigen::MatrixXd Mx = antialias ? antialias_bicubic_axis(in_w, out_w) : bicubic_axis(in_w, out_w);
  const Eigen::Index C = grid.cols();
  const Eigen::MatrixXd src = grid.cast<double>();
  // Columns first (within each source row), then rows.
  std::vector<Eigen::MatrixXd> by_row(static_cast<size_t>(in_h));  // [out_w, C] per source row
  for (int a = 0; a < in_h; ++a) by_row[static_cast<size_t>(a)] = Mx * src.middleRows(static_cast<Eigen::Index>(a) * in_w, in_w);
  RowMatrix out(static_cast<Eigen::Index>(out_h) * out_w, C);
  for (int i = 0; i < out_h; ++i) {
    Eigen::MatrixXd acc = Eigen::MatrixXd::Zero(out_w, C);
    for (int a = 0; a < in_h; ++a)
      if (My(i, a) != 0.0) acc += My(i, a) * by_row[static_cast<size_t>(a)];
    out.middleRows(static_cast<Eigen::Index>(i) * out_w, out_w) = acc.cast<float>();
  }
  return out;
}

std::unique_ptr<Model> load_vit(const CheckpointFiles& files, const JsonObject& config) {
  return std::make_unique<VitModel>(files, config);
}

}  // namespace attnscope
