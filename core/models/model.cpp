#include "core/models/model.h"

#include <algorithm>
#include <functional>
#include <map>

#include "core/common/error.h"
#include "core/io/json_file.h"
#include "core/models/bert.h"
#include "core/models/checkpoint.h"
#include "core/models/gpt2.h"
#include "core/models/decoder.h"
#include "core/models/t5.h"
#include "core/models/vit.h"

namespace attnscope {

namespace {

using Loader = std::function<std::unique_ptr<Model>(const CheckpointFiles&, const JsonObject&)>;

const std::map<std::string, Loader>& loaders() {
  static const std::map<std::string, Loader> table = [] {
    std::map<std::string, Loader> t = {
      {"bert", load_bert},
      {"distilbert", load_distilbert},
      {"gpt2", load_gpt2},
      {"roberta", load_roberta},
      {"t5", load_t5},
      {"deit", load_vit},
      {"dinov2", load_vit},
      {"dinov2_with_registers", load_vit},
      {"vit", load_vit},
    };
    for (const std::string& family : decoder_families()) t[family] = load_decoder;
    return t;
  }();
  return table;
}

// config.json "id2label": {"0": "NEGATIVE", "1": "POSITIVE"} -> labels by id.
std::vector<std::string> parse_id2label(const JsonObject& config) {
  std::vector<std::string> labels;
  auto it = config.json().find("id2label");
  if (it == config.json().end() || !it->is_object()) return labels;
  for (auto e = it->begin(); e != it->end(); ++e) {
    size_t id = 0;
    try {
      id = std::stoul(e.key());
    } catch (const std::exception&) {
      config.fail_key("id2label", "has a non-numeric key '" + e.key() + "'");
    }
    if (id >= (1u << 20)) config.fail_key("id2label", "has an absurd class id " + e.key());
    if (!e.value().is_string()) config.fail_key("id2label", "entry " + e.key() + " is not a string");
    if (id >= labels.size()) labels.resize(id + 1);
    labels[id] = e.value().get<std::string>();
  }
  for (size_t i = 0; i < labels.size(); ++i)
    if (labels[i].empty()) labels[i] = "LABEL_" + std::to_string(i);
  return labels;
}

std::string joined_types() {
  std::string s;
  for (const auto& t : supported_model_types()) s += (s.empty() ? "" : ", ") + t;
  return s;
}

}  // namespace

void ModelInfo::set_architecture(const Architecture& a) {
  arch = a;
  model_type = a.family;
  causal = a.causal;
  num_layers = a.num_layers;
  num_heads = a.num_heads;
  num_kv_heads = a.num_kv_heads;
  hidden_size = a.hidden_size;
  head_dim = a.head_dim;
  intermediate_size = a.intermediate_size;
  vocab_size = a.vocab_size;
  max_positions = a.max_positions;
}

bool ModelInfo::has_sliding_layers() const {
  for (int w : arch.window)
    if (w > 0) return true;
  return false;
}

const Tensor* ForwardResult::find_tapped(Tap tap, int layer) const {
  for (const auto& t : tapped)
    if (t.tap == tap && t.layer == layer) return &t.value;
  return nullptr;
}

std::vector<std::string> supported_model_types() {
  std::vector<std::string> out;
  for (const auto& [name, loader] : loaders()) out.push_back(name);
  return out;
}

std::unique_ptr<Model> load_model(const std::filesystem::path& dir) {
  const CheckpointFiles files = locate_checkpoint(dir);
  return load_model(files, JsonObject(read_json_file(files.config, "config.json"), "config.json"));
}

std::unique_ptr<Model> load_model(const CheckpointFiles& files, const JsonObject& config) {
  if (!config.has("model_type"))
    fail(ErrorKind::Model, "config.json: no 'model_type' (supported: " + joined_types() + ")");
  const std::string type = config.string("model_type");
  auto it = loaders().find(type);
  if (it == loaders().end())
    fail(ErrorKind::Model, "config.json: unsupported model_type '" + type + "' (supported: " + joined_types() + ")");
  std::unique_ptr<Model> model = it->second(files, config);
  model->info_.dir = files.dir;
  model->info_.architecture = type;
  if (config.json().contains("architectures") && config.json()["architectures"].is_array() &&
      !config.json()["architectures"].empty() && config.json()["architectures"][0].is_string())
    model->info_.architecture = config.json()["architectures"][0].get<std::string>();
  if (model->info_.labels.empty()) model->info_.labels = parse_id2label(config);
  return model;
}

void refuse_kv_cache(const ForwardInput& input, const ModelInfo& info) {
  if (input.cache)
    fail(ErrorKind::Usage, "model_type '" + info.model_type + "' does not run with a KV cache (causal language models only)");
}

void Model::require_layer(int layer) const {
  if (layer < 0 || layer >= info_.num_layers)
    fail(ErrorKind::Usage, "layer " + std::to_string(layer) + " is out of range (the model has " + std::to_string(info_.num_layers) + " layers)");
}

RowMatrix Model::attention_output_weight(int) const {
  fail(ErrorKind::Usage, info_.model_type + ": the attention output projection is not available for this model");
}

RowMatrix Model::unembed(const RowMatrix&) const {
  fail(ErrorKind::Usage, info_.model_type + " has no language-model head to read hidden states through");
}

}  // namespace attnscope
