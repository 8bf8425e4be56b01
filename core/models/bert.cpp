// BERT, DistilBERT and RoBERTa: post-LayerNorm encoders with learned absolute positions. They
// share this forward pass and differ in tensor names, config keys, token types (not DistilBERT),
// position ids (RoBERTa counts from padding_idx + 1), the order of the attention scaling
// (DistilBERT scales q before q.k) and their heads.
#include "core/models/bert.h"

#include <cmath>

#include "core/common/error.h"
#include "core/models/forward_run.h"
#include "core/models/layers.h"

namespace attnscope {

namespace {

enum class Family { Bert, DistilBert, Roberta };
enum class EncoderHead { Base, Classifier, MaskedLM };

struct EncoderHParams {
  Family family = Family::Bert;
  EncoderHead head = EncoderHead::Base;
  int n_vocab = 0;
  int n_embd = 0;
  int n_layer = 0;
  int n_head = 0;
  int head_dim = 0;
  int n_ff = 0;
  int n_pos = 0;     // rows of the position table (max_position_embeddings)
  int n_ctx = 0;     // longest input; RoBERTa: n_pos - pad_id - 1, its positions start at pad_id + 1
  int n_types = 0;   // type_vocab_size; 0 = no token types (DistilBERT)
  int n_labels = 0;  // sequence classifiers
  int pad_id = 0;    // RoBERTa padding_idx (= pad_token_id)
  float ln_eps = 1e-12f;
  layers::Activation act = layers::Activation::GeluErf;      // feed-forward
  layers::Activation mlm_act = layers::Activation::GeluErf;  // masked-LM transform
};

// Names below are BERT/RoBERTa's, DistilBERT's after " | "; P = the task prefix ("bert.",
// "roberta.", "distilbert.") or "" for checkpoints saved from the base model.
struct EncoderLayer {
  Weight wq, bq;          // P.encoder.layer.N.attention.self.query   | P.transformer.layer.N.attention.q_lin  [n_embd, n_embd], [n_embd]
  Weight wk, bk;          // P.encoder.layer.N.attention.self.key     | ...attention.k_lin                    [n_embd, n_embd], [n_embd]
  Weight wv, bv;          // P.encoder.layer.N.attention.self.value   | ...attention.v_lin                    [n_embd, n_embd], [n_embd]
  Weight wo, bo;          // P.encoder.layer.N.attention.output.dense | ...attention.out_lin                  [n_embd, n_embd], [n_embd]
  Weight attn_ln, attn_ln_b;  // P.encoder.layer.N.attention.output.LayerNorm | ...sa_layer_norm            [n_embd]
  Weight w_up, b_up;      // P.encoder.layer.N.intermediate.dense     | ...ffn.lin1                           [n_ff, n_embd], [n_ff]
  Weight w_down, b_down;  // P.encoder.layer.N.output.dense           | ...ffn.lin2                           [n_embd, n_ff], [n_embd]
  Weight out_ln, out_ln_b;    // P.encoder.layer.N.output.LayerNorm   | ...output_layer_norm                  [n_embd]
};

struct LayerNames {
  const char* block;
  const char* q;
  const char* k;
  const char* v;
  const char* o;
  const char* attn_ln;
  const char* up;
  const char* down;
  const char* out_ln;
};

constexpr LayerNames kBertNames = {"encoder.layer.", "attention.self.query", "attention.self.key", "attention.self.value",
                                   "attention.output.dense", "attention.output.LayerNorm", "intermediate.dense",
                                   "output.dense", "output.LayerNorm"};
constexpr LayerNames kDistilBertNames = {"transformer.layer.", "attention.q_lin", "attention.k_lin", "attention.v_lin",
                                         "attention.out_lin", "sa_layer_norm", "ffn.lin1", "ffn.lin2",
                                         "output_layer_norm"};

struct MlmNames {
  const char* dense;
  const char* norm;
  const char* decoder;
  const char* bias;
  const char* decoder_bias;  // the same bias under the decoder's name, when the tied copy was dropped
};

constexpr MlmNames kBertMlm = {"cls.predictions.transform.dense", "cls.predictions.transform.LayerNorm",
                               "cls.predictions.decoder.weight", "cls.predictions.bias", "cls.predictions.decoder.bias"};
constexpr MlmNames kDistilBertMlm = {"vocab_transform", "vocab_layer_norm", "vocab_projector.weight",
                                     "vocab_projector.bias", "vocab_projector.bias"};
constexpr MlmNames kRobertaMlm = {"lm_head.dense", "lm_head.layer_norm", "lm_head.decoder.weight", "lm_head.bias",
                                  "lm_head.decoder.bias"};

std::string first_architecture(const JsonObject& c) {
  const auto& j = c.json();
  auto it = j.find("architectures");
  if (it == j.end() || !it->is_array() || it->empty() || !(*it)[0].is_string()) return "";
  return (*it)[0].get<std::string>();
}

class EncoderModel final : public Model {
 public:
  EncoderModel(Family family, const CheckpointFiles& files, const JsonObject& config);
  ForwardResult forward(const ForwardInput& input, const ForwardOptions& options, const ProgressFn& progress) const override;
  RowMatrix unembed(const RowMatrix& rows) const override;
  RowMatrix attention_output_weight(int layer) const override;
  std::optional<PostAttentionNorm> attention_post_norm(int layer) const override;

 private:
  void read_hparams(const JsonObject& c);
  void load_heads(const std::string& prefix);
  // name.weight [rows, cols] (cols = 0: [rows], a LayerNorm) and name.bias [rows].
  void get_pair(const std::string& name, int64_t rows, int64_t cols, Weight& w, Weight& b);
  std::vector<int64_t> positions(const std::vector<int64_t>& ids) const;

  EncoderHParams hp_;
  WeightStore store_;
  Weight word_embd_;            // P.embeddings.word_embeddings.weight        [n_vocab, n_embd]
  Weight pos_embd_;             // P.embeddings.position_embeddings.weight    [n_pos, n_embd]
  Weight type_embd_;            // P.embeddings.token_type_embeddings.weight  [n_types, n_embd] (not DistilBERT)
  Weight embd_ln_, embd_ln_b_;  // P.embeddings.LayerNorm.{weight,bias}       [n_embd]
  std::vector<EncoderLayer> layers_;

  Weight pooler_, pooler_b_;    // P.pooler.dense.{weight,bias}  [n_embd, n_embd]; optional (BERT, RoBERTa)
  // Sequence classifiers: BERT classifier(pooler_output); DistilBERT classifier(relu(pre_classifier(x[0])));
  // RoBERTa classifier.out_proj(tanh(classifier.dense(x[0]))).
  Weight cls_pre_, cls_pre_b_;  // pre_classifier | classifier.dense          [n_embd, n_embd]
  Weight cls_out_, cls_out_b_;  // classifier | classifier.out_proj           [n_labels, n_embd]
  // Masked LM: decoder(LayerNorm(act(dense(x)))) + bias, per position.
  Weight mlm_dense_, mlm_dense_b_;  // cls.predictions.transform.dense | vocab_transform | lm_head.dense  [n_embd, n_embd]
  Weight mlm_ln_, mlm_ln_b_;        // cls.predictions.transform.LayerNorm | vocab_layer_norm | lm_head.layer_norm  [n_embd]
  Weight mlm_decoder_;              // cls.predictions.decoder.weight | vocab_projector.weight | lm_head.decoder.weight  [n_vocab, n_embd] (tied: word_embd_)
  Weight mlm_bias_;                 // cls.predictions.bias | vocab_projector.bias | lm_head.bias  [n_vocab]
};

void EncoderModel::read_hparams(const JsonObject& c) {
  if (hp_.family == Family::DistilBert) {
    hp_.n_vocab = static_cast<int>(c.integer("vocab_size", 1, 1 << 22));
    hp_.n_embd = static_cast<int>(c.integer("dim", 1, 1 << 16));
    hp_.n_layer = static_cast<int>(c.integer("n_layers", 1, 1024));
    hp_.n_head = static_cast<int>(c.integer("n_heads", 1, 1024));
    hp_.n_ff = static_cast<int>(c.integer("hidden_dim", 1, 1 << 20));
    hp_.n_pos = static_cast<int>(c.integer_or("max_position_embeddings", 512, 1, 1 << 20));
    hp_.ln_eps = 1e-12f;  // fixed in DistilBERT's modeling code
    hp_.act = layers::parse_activation(c.string_or("activation", "gelu"), c.label() + " 'activation'");
    hp_.mlm_act = hp_.act;
    if (hp_.n_embd % hp_.n_head != 0) c.fail_key("dim", "must be divisible by n_heads");
  } else {
    hp_.n_vocab = static_cast<int>(c.integer("vocab_size", 1, 1 << 22));
    hp_.n_embd = static_cast<int>(c.integer("hidden_size", 1, 1 << 16));
    hp_.n_layer = static_cast<int>(c.integer("num_hidden_layers", 1, 1024));
    hp_.n_head = static_cast<int>(c.integer("num_attention_heads", 1, 1024));
    hp_.n_ff = static_cast<int>(c.integer("intermediate_size", 1, 1 << 20));
    hp_.n_pos = static_cast<int>(c.integer_or("max_position_embeddings", 512, 1, 1 << 20));
    hp_.n_types = static_cast<int>(c.integer_or("type_vocab_size", 2, 1, 1 << 16));
    hp_.ln_eps = static_cast<float>(c.number_or("layer_norm_eps", 1e-12, 0, 1));
    hp_.act = layers::parse_activation(c.string_or("hidden_act", "gelu"), c.label() + " 'hidden_act'");
    // RobertaLMHead applies the exact erf GELU whatever hidden_act says.
    hp_.mlm_act = hp_.family == Family::Roberta ? layers::Activation::GeluErf : hp_.act;
    if (hp_.n_embd % hp_.n_head != 0) c.fail_key("hidden_size", "must be divisible by num_attention_heads");
    const std::string pet = c.string_or("position_embedding_type", "absolute");
    if (pet != "absolute")
      c.fail_key("position_embedding_type", "'" + pet + "' is not supported (only absolute position embeddings)");
    if (c.boolean_or("is_decoder", false)) c.fail_key("is_decoder", "= true is not supported (encoders only)");
    if (c.boolean_or("add_cross_attention", false)) c.fail_key("add_cross_attention", "= true is not supported");
  }
  hp_.head_dim = hp_.n_embd / hp_.n_head;
  hp_.n_ctx = hp_.n_pos;
  if (hp_.family == Family::Roberta) {
    // Positions start after pad_token_id, so at least pad_token_id + 2 of them are needed.
    if (hp_.n_pos < 3)
      c.fail_key("max_position_embeddings", "must be at least 3 for RoBERTa (its positions start after pad_token_id), got " +
                                                std::to_string(hp_.n_pos));
    hp_.pad_id = static_cast<int>(c.integer_or("pad_token_id", 1, 0, hp_.n_pos - 2));
    hp_.n_ctx = hp_.n_pos - hp_.pad_id - 1;
  }
}

EncoderModel::EncoderModel(Family family, const CheckpointFiles& files, const JsonObject& c) : store_(files) {
  hp_.family = family;
  read_hparams(c);

  // Heads by architectures[0]; a head this tool does not know leaves the encoder on its own.
  const char* stem = family == Family::Bert ? "Bert" : family == Family::DistilBert ? "DistilBert" : "Roberta";
  const std::string arch = first_architecture(c);
  if (arch == std::string(stem) + "ForSequenceClassification") {
    hp_.head = EncoderHead::Classifier;
    const auto id2label = c.json().find("id2label");
    const int64_t n_id2label = id2label != c.json().end() && id2label->is_object() ? static_cast<int64_t>(id2label->size()) : 0;
    hp_.n_labels = static_cast<int>(c.integer_or("num_labels", n_id2label > 0 ? n_id2label : 2, 1, 1 << 20));
  } else if (arch == std::string(stem) + "ForMaskedLM") {
    hp_.head = EncoderHead::MaskedLM;
  } else if (!arch.empty() && arch != std::string(stem) + "Model") {
    info_.warnings.push_back("architecture '" + arch + "' is not supported: its head is ignored and only the encoder runs");
  }

  const char* task_prefix = family == Family::Bert ? "bert." : family == Family::DistilBert ? "distilbert." : "roberta.";
  const std::string P = store_.find_prefix({task_prefix, ""}, "embeddings.word_embeddings.weight").value_or(task_prefix);
  const LayerNames& names = family == Family::DistilBert ? kDistilBertNames : kBertNames;

  const int64_t E = hp_.n_embd, F = hp_.n_ff, V = hp_.n_vocab;
  word_embd_ = store_.get(P + "embeddings.word_embeddings.weight", {V, E});
  pos_embd_ = store_.get(P + "embeddings.position_embeddings.weight", {hp_.n_pos, E});
  if (hp_.n_types > 0) type_embd_ = store_.get(P + "embeddings.token_type_embeddings.weight", {hp_.n_types, E});
  get_pair(P + "embeddings.LayerNorm", E, 0, embd_ln_, embd_ln_b_);
  for (int il = 0; il < hp_.n_layer; ++il) {
    const std::string p = P + names.block + std::to_string(il) + ".";
    EncoderLayer l;
    get_pair(p + names.q, E, E, l.wq, l.bq);
    get_pair(p + names.k, E, E, l.wk, l.bk);
    get_pair(p + names.v, E, E, l.wv, l.bv);
    get_pair(p + names.o, E, E, l.wo, l.bo);
    get_pair(p + names.attn_ln, E, 0, l.attn_ln, l.attn_ln_b);
    get_pair(p + names.up, F, E, l.w_up, l.b_up);
    get_pair(p + names.down, E, F, l.w_down, l.b_down);
    get_pair(p + names.out_ln, E, 0, l.out_ln, l.out_ln_b);
    layers_.push_back(l);
  }
  load_heads(P);

  info_.model_type = family == Family::Bert ? "bert" : family == Family::DistilBert ? "distilbert" : "roberta";
  info_.head = hp_.head == EncoderHead::Classifier ? HeadKind::Classifier
               : hp_.head == EncoderHead::MaskedLM ? HeadKind::LanguageModel
                                                   : HeadKind::None;
  Architecture a = learned_position_architecture(info_.model_type, hp_.n_layer, hp_.n_embd, hp_.n_head, hp_.n_ff,
                                                 hp_.ln_eps, layers::plain_mlp(hp_.act), false);
  a.vocab_size = hp_.n_vocab;
  a.max_positions = hp_.n_ctx;
  info_.set_architecture(a);
  info_.token_types = hp_.n_types > 0;
  info_.parameter_count = store_.parameter_count();
  info_.weights_bytes = store_.file_bytes();
  for (const auto& n : store_.nonfinite()) info_.warnings.push_back("weight '" + n + "' contains NaN or Inf");
}

void EncoderModel::get_pair(const std::string& name, int64_t rows, int64_t cols, Weight& w, Weight& b) {
  w = store_.get(name + ".weight", cols > 0 ? Shape{rows, cols} : Shape{rows});
  b = store_.get(name + ".bias", {rows});
}

void EncoderModel::load_heads(const std::string& P) {
  const int64_t E = hp_.n_embd, V = hp_.n_vocab;
  pooler_ = store_.get_optional(P + "pooler.dense.weight", {E, E});
  if (pooler_) pooler_b_ = store_.get(P + "pooler.dense.bias", {E});

  if (hp_.head == EncoderHead::Classifier) {
    if (hp_.family == Family::Bert && !pooler_)
      fail(ErrorKind::Model, store_.label() + ": tensor '" + P + "pooler.dense.weight' is missing (the classifier reads the pooler output)");
    if (hp_.family != Family::Bert)
      get_pair(hp_.family == Family::DistilBert ? "pre_classifier" : "classifier.dense", E, E, cls_pre_, cls_pre_b_);
    get_pair(hp_.family == Family::Roberta ? "classifier.out_proj" : "classifier", hp_.n_labels, E, cls_out_, cls_out_b_);
  } else if (hp_.head == EncoderHead::MaskedLM) {
    const MlmNames& n = hp_.family == Family::Bert ? kBertMlm : hp_.family == Family::DistilBert ? kDistilBertMlm : kRobertaMlm;
    get_pair(n.dense, E, E, mlm_dense_, mlm_dense_b_);
    get_pair(n.norm, E, 0, mlm_ln_, mlm_ln_b_);
    mlm_decoder_ = store_.get_optional(n.decoder, {V, E});
    if (!mlm_decoder_) mlm_decoder_ = word_embd_;
    mlm_bias_ = store_.get_optional(n.bias, {V});
    if (!mlm_bias_) mlm_bias_ = store_.get(n.decoder_bias, {V});
  }
}

// BERT, DistilBERT: 0..S-1. RoBERTa: padding_idx + (number of real tokens so far) on real tokens,
// padding_idx on padding, as Hugging Face's create_position_ids_from_input_ids.
std::vector<int64_t> EncoderModel::positions(const std::vector<int64_t>& ids) const {
  std::vector<int64_t> pos(ids.size());
  int64_t real = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (hp_.family != Family::Roberta) pos[i] = static_cast<int64_t>(i);
    else pos[i] = ids[i] == hp_.pad_id ? hp_.pad_id : hp_.pad_id + (++real);
  }
  return pos;
}

ForwardResult EncoderModel::forward(const ForwardInput& in, const ForwardOptions& opt, const ProgressFn& progress) const {
  refuse_kv_cache(in, info_);
  const int S = static_cast<int>(in.input_ids.size());
  // DistilBERT takes no token types (its tokenizer does not return them): they are ignored.
  const bool use_types = hp_.n_types > 0 && !in.token_type_ids.empty();
  if (use_types && in.token_type_ids.size() != in.input_ids.size())
    fail(ErrorKind::Input, "token_type_ids has " + std::to_string(in.token_type_ids.size()) + " entries for " +
                               std::to_string(S) + " tokens");
  ForwardRun run(info_, S, opt, progress);
  layers::AttentionParams ap;
  ap.num_heads = hp_.n_head;
  ap.num_kv_heads = hp_.n_head;
  ap.head_dim = hp_.head_dim;
  ap.scale_divisor = std::sqrt(static_cast<float>(hp_.head_dim));
  ap.scale_query_first = hp_.family == Family::DistilBert;
  ap.key_mask = layers::key_mask(in.attention_mask, in.input_ids.size());

  RowMatrix x;     // [S, n_embd] residual stream (post-LN: normalised after every block)
  RowMatrix tmp;   // [S, n_embd] block output + residual, before its LayerNorm
  RowMatrix q, k, v;  // [S, n_embd]
  RowMatrix ctx;   // [S, n_embd]
  RowMatrix ff;    // [S, n_ff]

  // embeddings {
  {
    layers::embed(word_embd_, in.input_ids, tmp, "token");
    layers::embed(pos_embd_, positions(in.input_ids), x, "position");
    tmp += x;
    if (hp_.n_types > 0) {
      if (use_types) layers::embed(type_embd_, in.token_type_ids, x, "token type");
      else layers::embed(type_embd_, std::vector<int64_t>(in.input_ids.size(), 0), x, "token type");
      tmp += x;
    }
    layers::layer_norm(tmp, embd_ln_, embd_ln_b_, hp_.ln_eps, x);
  }
  // }
  run.cb(x, Tap::Hidden, -1);

  for (int il = 0; il < hp_.n_layer; ++il) {
    const EncoderLayer& L = layers_[il];
    run.begin_layer(il);
    // self-attention {
    {
      run.cb(x, Tap::AttnIn, il);
      layers::linear(x, L.wq, L.bq, q);
      layers::linear(x, L.wk, L.bk, k);
      layers::linear(x, L.wv, L.bv, v);
      run.cb(v, Tap::V, il);
      run.cb(q, Tap::Q, il);
      run.cb(k, Tap::K, il);
      run.attend(q, k, v, ap, il, ctx);
      layers::linear(ctx, L.wo, L.bo, tmp);
      run.cb(tmp, Tap::AttnOut, il);
      tmp += x;
      layers::layer_norm(tmp, L.attn_ln, L.attn_ln_b, hp_.ln_eps, x);
      run.cb(x, Tap::Resid, il);
    }
    // }
    // feed-forward {
    {
      run.cb(x, Tap::MlpIn, il);
      layers::linear(x, L.w_up, L.b_up, ff);
      layers::activate(ff, hp_.act);
      layers::linear(ff, L.w_down, L.b_down, tmp);
      run.cb(tmp, Tap::MlpOut, il);
      tmp += x;
      layers::layer_norm(tmp, L.out_ln, L.out_ln_b, hp_.ln_eps, x);
    }
    // }
    if (!run.end_layer(x, il)) return cancelled_result();
  }
  ForwardResult& res = run.result();

  const RowMatrix first = x.topRows(1);  // [1, n_embd] the [CLS] / <s> token
  RowMatrix pooled;                      // [1, n_embd]
  if (pooler_) {
    layers::linear(first, pooler_, pooler_b_, pooled);
    pooled = pooled.array().tanh().matrix();
    Tensor t({hp_.n_embd});
    std::copy(pooled.data(), pooled.data() + pooled.size(), t.data.begin());
    res.extras.emplace_back("pooler_output", std::move(t));
  }

  if (hp_.head == EncoderHead::Classifier) {
    RowMatrix h;    // [1, n_embd] classifier input
    RowMatrix out;  // [1, n_labels]
    if (hp_.family == Family::Bert) {
      h = pooled;
    } else {
      layers::linear(first, cls_pre_, cls_pre_b_, h);
      if (hp_.family == Family::DistilBert) layers::activate(h, layers::Activation::Relu);
      else h = h.array().tanh().matrix();
    }
    layers::linear(h, cls_out_, cls_out_b_, out);
    res.logits = Tensor({hp_.n_labels});
    std::copy(out.data(), out.data() + out.size(), res.logits.data.begin());
  } else if (hp_.head == EncoderHead::MaskedLM && opt.logits != LogitsMode::None) {
    const RowMatrix z = unembed(opt.logits == LogitsMode::All ? x : RowMatrix(x.bottomRows(1)));  // [S or 1, V]
    res.logits = Tensor({static_cast<int64_t>(z.rows()), hp_.n_vocab});
    res.logits.matrix() = z;
  }
  return run.finish(x);  // post-LN: no final norm
}

RowMatrix EncoderModel::attention_output_weight(int layer) const {
  require_layer(layer);
  return layers_[static_cast<size_t>(layer)].wo.to_f32().transpose();  // torch Linear [out, in] -> [in, out]
}

std::optional<PostAttentionNorm> EncoderModel::attention_post_norm(int layer) const {
  require_layer(layer);
  const EncoderLayer& L = layers_[static_cast<size_t>(layer)];
  const RowMatrix w = L.attn_ln.to_f32(), b = L.bo.to_f32();  // [1, n_embd] each
  return PostAttentionNorm{std::vector<float>(w.data(), w.data() + w.size()), std::vector<float>(b.data(), b.data() + b.size()), hp_.ln_eps};
}

RowMatrix EncoderModel::unembed(const RowMatrix& rows) const {
  if (hp_.head != EncoderHead::MaskedLM) return Model::unembed(rows);
  RowMatrix tmp, h;  // [R, n_embd]
  layers::linear(rows, mlm_dense_, mlm_dense_b_, tmp);
  layers::activate(tmp, hp_.mlm_act);
  layers::layer_norm(tmp, mlm_ln_, mlm_ln_b_, hp_.ln_eps, h);
  RowMatrix z = h * mlm_decoder_.matrix().transpose();  // [R, V]
  z.rowwise() += mlm_bias_.row();
  return z;
}

}  // namespace

std::unique_ptr<Model> load_bert(const CheckpointFiles& files, const JsonObject& config) {
  return std::make_unique<EncoderModel>(Family::Bert, files, config);
}

std::unique_ptr<Model> load_distilbert(const CheckpointFiles& files, const JsonObject& config) {
  return std::make_unique<EncoderModel>(Family::DistilBert, files, config);
}

std::unique_ptr<Model> load_roberta(const CheckpointFiles& files, const JsonObject& config) {
  return std::make_unique<EncoderModel>(Family::Roberta, files, config);
}

}  // namespace attnscope
