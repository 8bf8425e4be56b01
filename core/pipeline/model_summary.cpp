#include "core/pipeline/model_summary.h"

#include <cstdio>
#include <sstream>

namespace attnscope {

namespace {
const char* head_name(HeadKind h) {
  switch (h) {
    case HeadKind::LanguageModel: return "language-model";
    case HeadKind::Classifier: return "classifier";
    case HeadKind::None: return "none";
  }
  return "none";
}
std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string rope_text(const RopeParams& r, int head_dim) {
  std::string t = "theta " + number(r.theta);
  if (r.rotated_dims(head_dim) != head_dim)
    t += ", rotates " + std::to_string(r.rotated_dims(head_dim)) + " of " + std::to_string(head_dim) + " dims";
  if (r.scaling == RopeScaling::Linear) t += ", linear scaling x" + number(r.factor);
  if (r.scaling == RopeScaling::Llama3)
    t += ", llama3 scaling x" + number(r.factor) + " (low " + number(r.low_freq_factor) + ", high " +
         number(r.high_freq_factor) + ", original " + number(r.original_max_positions) + ")";
  return t;
}

// What the architecture descriptor says, as rows of `info` (decoder LLMs; the other families
// have nothing beyond their model type).
std::vector<std::pair<std::string, std::string>> descriptor_rows(const ModelInfo& m) {
  const Architecture& a = m.arch;
  std::vector<std::pair<std::string, std::string>> rows;
  if (a.positions != PositionKind::Rotary) return rows;
  std::string norm = std::string(a.norm == NormKind::RmsNorm ? "RMSNorm" : "LayerNorm") + ", eps " + number(a.norm_eps);
  if (a.norm_offset != 0) norm += ", scale (1 + w)";
  if (a.sandwich_norms) norm += ", before and after each block";
  rows.emplace_back("norm", norm);
  std::string mlp = a.mlp == MlpKind::SwiGlu ? "SwiGLU (silu gate)" : a.mlp == MlpKind::GeGlu ? "GeGLU (gelu_tanh gate)" : to_string(a.mlp);
  if (a.fused_gate_up) mlp += ", fused gate_up_proj";
  rows.emplace_back("mlp", mlp);
  std::string pos = "rotary, " + rope_text(a.rope, a.head_dim);
  if (a.local_rope) pos = "rotary, global layers " + rope_text(a.rope, a.head_dim) + "; sliding layers " + rope_text(*a.local_rope, a.head_dim);
  rows.emplace_back("positions", pos);
  std::string sliding;
  int n_sliding = 0, window = 0;
  for (int l = 0; l < a.num_layers; ++l)
    if (a.sliding(l)) {
      sliding += (n_sliding++ ? "," : "") + std::to_string(l);
      window = a.window[static_cast<size_t>(l)];
    }
  std::string att = n_sliding == 0 ? "global on every layer"
                                   : std::to_string(n_sliding) + " sliding-window layer(s) (" + sliding + ", window " +
                                         std::to_string(window) + "), " + std::to_string(a.num_layers - n_sliding) + " global";
  att += "; scores x " + number(1.0 / a.scale_divisor());
  if (a.query_scale > 0) att += " (query_pre_attn_scalar)";
  if (a.qk_norm) att += "; q/k RMSNorm per head";
  if (a.qkv_bias) att += "; q/k/v biases";
  if (a.fused_qkv) att += "; fused qkv_proj";
  if (a.attn_softcap > 0) att += "; soft-cap " + number(a.attn_softcap);
  rows.emplace_back("attention", att);
  std::string out = a.tied_output ? "tied to the embeddings" : "lm_head";
  if (a.embedding_scale != 1) out += "; embeddings x " + number(a.embedding_scale);
  if (a.final_softcap > 0) out += "; final soft-cap " + number(a.final_softcap);
  rows.emplace_back("output", out);
  return rows;
}

}  // namespace

std::string human_count(int64_t n) {
  char buf[32];
  const double d = static_cast<double>(n);
  if (d >= 1e9) std::snprintf(buf, sizeof buf, "%.2f B", d / 1e9);
  else if (d >= 1e6) std::snprintf(buf, sizeof buf, "%.2f M", d / 1e6);
  else if (d >= 1e3) std::snprintf(buf, sizeof buf, "%.1f K", d / 1e3);
  else std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(n));
  return buf;
}

nlohmann::ordered_json model_summary_json(const ModelInfo& m, const std::string& tokenizer_kind) {
  nlohmann::ordered_json j;
  j["folder"] = m.dir.string();
  j["model_type"] = m.model_type;
  j["architecture"] = m.architecture;
  j["modality"] = m.modality == Modality::Text ? "text" : "image";
  j["head"] = head_name(m.head);
  j["causal"] = m.causal;
  j["layers"] = m.num_layers;
  if (m.encoder_decoder) {
    j["encoder_decoder"] = true;
    j["decoder_layers"] = m.num_decoder_layers;
  }
  j["heads"] = m.num_heads;
  j["kv_heads"] = m.num_kv_heads;
  j["head_dim"] = m.head_dim;
  j["hidden_size"] = m.hidden_size;
  j["intermediate_size"] = m.intermediate_size;
  if (m.modality == Modality::Text) {
    j["vocab_size"] = m.vocab_size;
    j["max_positions"] = m.max_positions;
    j["tokenizer"] = tokenizer_kind;
  } else {
    j["image_size"] = m.image_size;
    j["patch_size"] = m.patch_size;
    j["prefix_tokens"] = m.num_prefix_tokens;
    j["register_tokens"] = m.num_register_tokens;
  }
  j["num_labels"] = m.labels.size();
  j["labels"] = m.labels;
  j["parameters"] = m.parameter_count;
  j["file_bytes"] = m.weights_bytes;
  const auto rows = descriptor_rows(m);
  if (!rows.empty()) {
    nlohmann::ordered_json d;
    for (const auto& [k, v] : rows) d[k] = v;
    d["windows"] = m.arch.window;  // per layer: 0 global, W sliding
    j["descriptor"] = d;
  }
  j["warnings"] = m.warnings;
  return j;
}

std::string model_summary_text(const ModelInfo& m, const std::string& tokenizer_kind) {
  std::ostringstream o;
  auto row = [&](const char* k, const std::string& v) { o << k << std::string(16 - std::string(k).size(), ' ') << v << "\n"; };
  row("folder", m.dir.string());
  row("model type", m.model_type + " (" + m.architecture + ")");
  row("modality", m.modality == Modality::Text ? (m.encoder_decoder ? "text, encoder-decoder (cross-attention)"
                                                  : m.causal           ? "text, causal"
                                                                       : "text, bidirectional")
                                              : "image");
  row("layers", m.encoder_decoder ? std::to_string(m.num_layers) + " encoder + " + std::to_string(m.num_decoder_layers) + " decoder"
                                  : std::to_string(m.num_layers));
  std::string heads = std::to_string(m.num_heads);
  if (m.num_kv_heads != m.num_heads) heads += " (" + std::to_string(m.num_kv_heads) + " key/value heads)";
  row("heads", heads + ", head dim " + std::to_string(m.head_dim));
  row("hidden size", std::to_string(m.hidden_size) + " (MLP " + std::to_string(m.intermediate_size) + ")");
  if (m.modality == Modality::Text) {
    row("vocab size", std::to_string(m.vocab_size));
    row("max tokens", m.max_positions > 0 ? std::to_string(m.max_positions)
                                          : m.arch.positions == PositionKind::RelativeBias ? "any (relative position buckets)"
                                                                                           : "any");
    row("tokenizer", tokenizer_kind);
  } else {
    row("image size", std::to_string(m.image_size) + " x " + std::to_string(m.image_size));
    row("patch size", std::to_string(m.patch_size));
    if (m.num_register_tokens > 0) row("registers", std::to_string(m.num_register_tokens) + " (prefix tokens after CLS)");
  }
  for (const auto& [k, v] : descriptor_rows(m)) row(k.c_str(), v);
  row("head", head_name(m.head));
  if (!m.labels.empty()) {
    std::string l = std::to_string(m.labels.size()) + " (";
    for (size_t i = 0; i < m.labels.size() && i < 4; ++i) l += (i ? ", " : "") + m.labels[i];
    row("labels", l + (m.labels.size() > 4 ? ", ...)" : ")"));
  }
  row("parameters", human_count(m.parameter_count) + " (" + std::to_string(m.parameter_count) + ")");
  row("file size", human_bytes(m.weights_bytes));
  for (const auto& w : m.warnings) row("warning", w);
  return o.str();
}

}  // namespace attnscope
