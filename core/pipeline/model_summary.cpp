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
  }
  j["num_labels"] = m.labels.size();
  j["labels"] = m.labels;
  j["parameters"] = m.parameter_count;
  j["file_bytes"] = m.weights_bytes;
  j["warnings"] = m.warnings;
  return j;
}

std::string model_summary_text(const ModelInfo& m, const std::string& tokenizer_kind) {
  std::ostringstream o;
  auto row = [&](const char* k, const std::string& v) { o << k << std::string(16 - std::string(k).size(), ' ') << v << "\n"; };
  row("folder", m.dir.string());
  row("model type", m.model_type + " (" + m.architecture + ")");
  row("modality", m.modality == Modality::Text ? (m.causal ? "text, causal" : "text, bidirectional") : "image");
  row("layers", std::to_string(m.num_layers));
  std::string heads = std::to_string(m.num_heads);
  if (m.num_kv_heads != m.num_heads) heads += " (" + std::to_string(m.num_kv_heads) + " key/value heads)";
  row("heads", heads + ", head dim " + std::to_string(m.head_dim));
  row("hidden size", std::to_string(m.hidden_size) + " (MLP " + std::to_string(m.intermediate_size) + ")");
  if (m.modality == Modality::Text) {
    row("vocab size", std::to_string(m.vocab_size));
    row("max tokens", std::to_string(m.max_positions));
    row("tokenizer", tokenizer_kind);
  } else {
    row("image size", std::to_string(m.image_size) + " x " + std::to_string(m.image_size));
    row("patch size", std::to_string(m.patch_size));
  }
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
