#include "core/models/synthetic.h"

#include "core/common/error.h"
#include "core/io/json_file.h"
#include "core/models/checkpoint.h"

namespace attnscope {

namespace {

using nlohmann::json;

struct SyntheticModel {
  const char* name;
  json config;
  std::set<std::string> absent;  // tensors the real checkpoint does not store (tied weights)
};

json bert(int layers, int hidden, int heads, int ff) {
  return {{"model_type", "bert"}, {"architectures", {"BertModel"}}, {"vocab_size", 30522}, {"hidden_size", hidden},
          {"num_hidden_layers", layers}, {"num_attention_heads", heads}, {"intermediate_size", ff},
          {"max_position_embeddings", 512}, {"type_vocab_size", 2}, {"hidden_act", "gelu"}, {"layer_norm_eps", 1e-12}};
}

json vit(int layers, int hidden, int heads, int ff) {
  return {{"model_type", "vit"}, {"architectures", {"ViTModel"}}, {"hidden_size", hidden}, {"num_hidden_layers", layers},
          {"num_attention_heads", heads}, {"intermediate_size", ff}, {"image_size", 224}, {"patch_size", 16},
          {"num_channels", 3}, {"qkv_bias", true}, {"hidden_act", "gelu"}, {"layer_norm_eps", 1e-12}};
}

const std::vector<SyntheticModel>& models() {
  static const std::vector<SyntheticModel> table = {
      {"bert-base", bert(12, 768, 12, 3072), {}},
      {"bert-tiny", bert(2, 128, 2, 512), {}},
      {"vit-base-16", vit(12, 768, 12, 3072), {}},
      {"vit-tiny-16", vit(12, 192, 3, 768), {}},
      {"gpt2-small",
       {{"model_type", "gpt2"}, {"architectures", {"GPT2Model"}}, {"vocab_size", 50257}, {"n_embd", 768}, {"n_layer", 12},
        {"n_head", 12}, {"n_positions", 1024}, {"activation_function", "gelu_new"}, {"layer_norm_epsilon", 1e-5}},
       {}},
      {"llama-small",
       {{"model_type", "llama"}, {"architectures", {"LlamaForCausalLM"}}, {"vocab_size", 32000}, {"hidden_size", 2048},
        {"num_hidden_layers", 16}, {"num_attention_heads", 32}, {"num_key_value_heads", 8}, {"intermediate_size", 8192},
        {"max_position_embeddings", 8192}, {"rms_norm_eps", 1e-5}, {"rope_theta", 500000.0}, {"hidden_act", "silu"},
        {"tie_word_embeddings", true}},
       {"lm_head.weight"}},
      {"qwen2.5-0.5b",
       {{"model_type", "qwen2"}, {"architectures", {"Qwen2ForCausalLM"}}, {"vocab_size", 151936}, {"hidden_size", 896},
        {"num_hidden_layers", 24}, {"num_attention_heads", 14}, {"num_key_value_heads", 2}, {"intermediate_size", 4864},
        {"max_position_embeddings", 32768}, {"rms_norm_eps", 1e-6}, {"rope_theta", 1000000.0}, {"hidden_act", "silu"},
        {"use_sliding_window", false}, {"sliding_window", 32768}, {"max_window_layers", 21},
        {"tie_word_embeddings", true}},
       {"lm_head.weight"}},
      {"gemma3-1b",
       {{"model_type", "gemma3_text"}, {"architectures", {"Gemma3ForCausalLM"}}, {"vocab_size", 262144},
        {"hidden_size", 1152}, {"num_hidden_layers", 26}, {"num_attention_heads", 4}, {"num_key_value_heads", 1},
        {"head_dim", 256}, {"intermediate_size", 6912}, {"max_position_embeddings", 32768}, {"rms_norm_eps", 1e-6},
        {"rope_theta", 1000000.0}, {"rope_local_base_freq", 10000.0}, {"rope_scaling", nullptr},
        {"hidden_activation", "gelu_pytorch_tanh"}, {"query_pre_attn_scalar", 256}, {"sliding_window", 512},
        {"sliding_window_pattern", 6}, {"attn_logit_softcapping", nullptr}, {"final_logit_softcapping", nullptr},
        {"tie_word_embeddings", true}},
       {"lm_head.weight"}},
      {"smollm-135m",
       {{"model_type", "llama"}, {"architectures", {"LlamaForCausalLM"}}, {"vocab_size", 49152}, {"hidden_size", 576},
        {"num_hidden_layers", 30}, {"num_attention_heads", 9}, {"num_key_value_heads", 3}, {"intermediate_size", 1536},
        {"max_position_embeddings", 2048}, {"rms_norm_eps", 1e-5}, {"rope_theta", 10000.0}, {"hidden_act", "silu"},
        {"tie_word_embeddings", true}},
       {"lm_head.weight"}},
      {"tinyllama-1.1b",
       {{"model_type", "llama"}, {"architectures", {"LlamaForCausalLM"}}, {"vocab_size", 32000}, {"hidden_size", 2048},
        {"num_hidden_layers", 22}, {"num_attention_heads", 32}, {"num_key_value_heads", 4}, {"intermediate_size", 5632},
        {"max_position_embeddings", 2048}, {"rms_norm_eps", 1e-5}, {"rope_theta", 10000.0}, {"hidden_act", "silu"},
        {"tie_word_embeddings", false}},
       {}},
  };
  return table;
}

const SyntheticModel& find(const std::string& name) {
  for (const auto& m : models())
    if (name == m.name) return m;
  std::string known;
  for (const auto& m : models()) known += (known.empty() ? "" : ", ") + std::string(m.name);
  fail(ErrorKind::Usage, "unknown synthetic model '" + name + "' (known: " + known + ")");
}

}  // namespace

std::vector<std::string> synthetic_model_names() {
  std::vector<std::string> out;
  for (const auto& m : models()) out.emplace_back(m.name);
  return out;
}

json synthetic_config(const std::string& name) { return find(name).config; }

std::unique_ptr<Model> load_synthetic_model(const std::string& name, uint64_t seed, bool bf16) {
  const SyntheticModel& m = find(name);
  CheckpointFiles files;
  files.dir = "synthetic:" + name;
  files.synthetic = SyntheticWeights{seed, m.absent, bf16};
  return load_model(files, JsonObject(m.config, "config.json (synthetic " + name + ")"));
}

}  // namespace attnscope
