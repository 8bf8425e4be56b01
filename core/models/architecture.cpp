#include "core/models/architecture.h"

#include <algorithm>
#include <cmath>

#include "core/common/error.h"
#include "core/io/json_file.h"

namespace attnscope {

namespace {

constexpr double kPi = 3.14159265358979323846;

// rope_scaling / a rope_parameters entry: {"rope_type": "llama3", "factor": 8, ...}.
void read_rope_scaling(const JsonObject& rs, RopeParams& p) {
  const std::string type = rs.string_or("rope_type", rs.string_or("type", "default"));
  if (rs.has("rope_theta")) p.theta = rs.number("rope_theta", 1, 1e12);
  if (rs.has("partial_rotary_factor")) p.fraction = rs.number("partial_rotary_factor", 0, 1);
  if (type == "default") {
    p.scaling = RopeScaling::None;
  } else if (type == "linear") {
    p.scaling = RopeScaling::Linear;
    p.factor = rs.number("factor", 1e-6, 1e6);
  } else if (type == "llama3") {
    p.scaling = RopeScaling::Llama3;
    p.factor = rs.number("factor", 1e-6, 1e6);
    p.low_freq_factor = rs.number_or("low_freq_factor", 1.0, 1e-6, 1e6);
    p.high_freq_factor = rs.number_or("high_freq_factor", 4.0, 1e-6, 1e6);
    if (p.high_freq_factor <= p.low_freq_factor)
      rs.fail_key("high_freq_factor", "must exceed low_freq_factor");
    p.original_max_positions = rs.number_or("original_max_position_embeddings", 8192, 1, 1e9);
  } else {
    rs.fail_key(rs.has("rope_type") ? "rope_type" : "type",
                "'" + type + "' is not supported (supported: default, linear, llama3)");
  }
}

// The rope of global layers from rope_theta / rope_scaling / partial_rotary_factor or
// transformers v5's rope_parameters (flat, or keyed by layer type as Gemma 3 writes it).
void read_rope(const JsonObject& c, Architecture& a, double default_theta) {
  RopeParams& g = a.rope;
  g.theta = c.number_or("rope_theta", default_theta, 1, 1e12);
  g.fraction = c.number_or("partial_rotary_factor", 1.0, 0, 1);
  if (auto rs = c.object("rope_scaling")) read_rope_scaling(*rs, g);
  if (auto rp = c.object("rope_parameters")) {
    if (auto full = rp->object("full_attention")) {
      read_rope_scaling(*full, g);
      if (auto local = rp->object("sliding_attention")) {
        RopeParams l = g;
        l.scaling = RopeScaling::None;
        read_rope_scaling(*local, l);
        a.local_rope = l;
      }
    } else {
      read_rope_scaling(*rp, g);
    }
  }
  if (g.rotated_dims(a.head_dim) < 2 || g.rotated_dims(a.head_dim) % 2)
    c.fail_key("partial_rotary_factor", "leaves " + std::to_string(g.rotated_dims(a.head_dim)) +
                                            " rotated dimensions of " + std::to_string(a.head_dim) +
                                            "; an even number of at least 2 is needed");
}

MlpKind read_mlp(const JsonObject& c, const std::string& fallback) {
  const std::string key = c.has("hidden_activation") ? "hidden_activation" : "hidden_act";
  const std::string act = c.string_or(key, fallback);
  if (act == "silu" || act == "swish") return MlpKind::SwiGlu;
  if (act == "gelu_pytorch_tanh" || act == "gelu_new" || act == "gelu_fast") return MlpKind::GeGlu;
  c.fail_key(key, "'" + act + "' is not supported for a gated MLP (supported: silu, gelu_pytorch_tanh)");
}

// config.layer_types ("sliding_attention" / "full_attention"), when written.
bool read_layer_types(const JsonObject& c, Architecture& a, int window) {
  auto it = c.json().find("layer_types");
  if (it == c.json().end() || it->is_null()) return false;
  if (!it->is_array() || static_cast<int>(it->size()) != a.num_layers)
    c.fail_key("layer_types", "must list one type per layer (" + std::to_string(a.num_layers) + ")");
  a.window.assign(static_cast<size_t>(a.num_layers), 0);
  for (int i = 0; i < a.num_layers; ++i) {
    const auto& t = (*it)[static_cast<size_t>(i)];
    const std::string type = t.is_string() ? t.get<std::string>() : "";
    if (type == "sliding_attention") {
      if (window <= 0) c.fail_key("sliding_window", "is needed by layer_types[" + std::to_string(i) + "] = sliding_attention");
      a.window[static_cast<size_t>(i)] = window;
    } else if (type != "full_attention") {
      c.fail_key("layer_types", "entry " + std::to_string(i) + " '" + type +
                                    "' is not supported (supported: full_attention, sliding_attention)");
    }
  }
  return true;
}

int read_window(const JsonObject& c) {
  return c.has("sliding_window") ? static_cast<int>(c.integer("sliding_window", 1, 1 << 30)) : 0;
}

// What every Llama-like family shares: shapes, RMSNorm, rope.
Architecture read_common(const JsonObject& c, const std::string& family, int default_head_dim) {
  Architecture a;
  a.family = family;
  a.vocab_size = static_cast<int>(c.integer("vocab_size", 1, 1 << 22));
  a.hidden_size = static_cast<int>(c.integer("hidden_size", 1, 1 << 16));
  a.num_layers = static_cast<int>(c.integer("num_hidden_layers", 1, 1024));
  a.num_heads = static_cast<int>(c.integer("num_attention_heads", 1, 1024));
  a.num_kv_heads = static_cast<int>(c.integer_or("num_key_value_heads", a.num_heads, 1, a.num_heads));
  if (a.num_heads % a.num_kv_heads != 0)
    c.fail_key("num_key_value_heads", "(" + std::to_string(a.num_kv_heads) + ") must divide num_attention_heads (" +
                                          std::to_string(a.num_heads) + ")");
  if (default_head_dim == 0) {
    if (!c.has("head_dim") && a.hidden_size % a.num_heads != 0)
      c.fail_key("hidden_size", "must be divisible by num_attention_heads");
    default_head_dim = a.hidden_size / a.num_heads;
  }
  a.head_dim = static_cast<int>(c.integer_or("head_dim", default_head_dim, 2, 1 << 12));
  if (a.head_dim % 2) {
    if (c.has("head_dim")) c.fail_key("head_dim", "must be even for rotary embeddings, got " + std::to_string(a.head_dim));
    fail(ErrorKind::Model, c.label() + ": the head dimension, hidden_size / num_attention_heads = " +
                               std::to_string(a.hidden_size) + " / " + std::to_string(a.num_heads) + " = " +
                               std::to_string(a.head_dim) + " (no 'head_dim' is set), must be even for rotary embeddings");
  }
  a.intermediate_size = static_cast<int>(c.integer("intermediate_size", 1, 1 << 20));
  a.max_positions = static_cast<int>(c.integer_or("max_position_embeddings", 2048, 1, 1 << 24));
  a.norm = NormKind::RmsNorm;
  a.norm_eps = static_cast<float>(c.number_or("rms_norm_eps", 1e-6, 0, 1));
  a.positions = PositionKind::Rotary;
  a.causal = true;
  a.set_global_attention();
  return a;
}

// Qwen 2 / 3: sliding_window counts only with use_sliding_window, from max_window_layers on.
void read_qwen_window(const JsonObject& c, Architecture& a) {
  const int w = c.boolean_or("use_sliding_window", false) ? read_window(c) : 0;
  if (read_layer_types(c, a, w)) return;
  const int from = static_cast<int>(c.integer_or("max_window_layers", a.num_layers, 0, 1 << 20));
  if (w > 0)
    for (int i = from; i < a.num_layers; ++i) a.window[static_cast<size_t>(i)] = w;
}

Architecture read_llama(const JsonObject& c) {
  Architecture a = read_common(c, "llama", 0);
  a.mlp = read_mlp(c, "silu");
  if (a.mlp != MlpKind::SwiGlu) c.fail_key("hidden_act", "must be silu for llama");
  a.qkv_bias = a.output_bias = c.boolean_or("attention_bias", false);
  if (c.boolean_or("mlp_bias", false)) c.fail_key("mlp_bias", "= true is not supported");
  a.tied_output = c.boolean_or("tie_word_embeddings", false);
  read_rope(c, a, 10000.0);
  return a;
}

// Mistral and Phi-3: SwiGLU, untied by default, sliding_window (when set) on every layer; a
// config without the key gets the class default (MistralConfig 4096, Phi3Config none).
Architecture read_mistral_like(const JsonObject& c, const std::string& family, int default_window) {
  Architecture a = read_common(c, family, 0);
  a.mlp = read_mlp(c, "silu");
  a.tied_output = c.boolean_or("tie_word_embeddings", false);
  read_rope(c, a, 10000.0);
  const int w = c.json().contains("sliding_window") ? read_window(c) : default_window;
  if (!read_layer_types(c, a, w))
    for (int& x : a.window) x = w;
  return a;
}

Architecture read_mistral(const JsonObject& c) { return read_mistral_like(c, "mistral", 4096); }

Architecture read_qwen2(const JsonObject& c) {
  Architecture a = read_common(c, "qwen2", 0);
  a.mlp = read_mlp(c, "silu");
  a.qkv_bias = true;
  a.tied_output = c.boolean_or("tie_word_embeddings", false);
  read_rope(c, a, 10000.0);
  read_qwen_window(c, a);
  return a;
}

Architecture read_qwen3(const JsonObject& c) {
  Architecture a = read_common(c, "qwen3", 128);
  a.mlp = read_mlp(c, "silu");
  a.qkv_bias = a.output_bias = c.boolean_or("attention_bias", false);
  a.qk_norm = true;
  a.tied_output = c.boolean_or("tie_word_embeddings", false);
  read_rope(c, a, 10000.0);
  read_qwen_window(c, a);
  return a;
}

// Gemma 2 and 3 share: (1 + w) norms, sandwich norms, GeGLU, sqrt(D) embedding scale,
// query_pre_attn_scalar, tied output, sliding layers.
Architecture read_gemma(const JsonObject& c, const std::string& family) {
  Architecture a = read_common(c, family, 256);
  a.mlp = read_mlp(c, "gelu_pytorch_tanh");
  a.norm_offset = 1;
  a.sandwich_norms = true;
  a.qkv_bias = a.output_bias = c.boolean_or("attention_bias", false);
  // HF multiplies by sqrt(hidden_size) in the run's dtype; Attnscope runs in float32.
  a.embedding_scale = std::sqrt(static_cast<float>(a.hidden_size));
  a.tied_output = c.boolean_or("tie_word_embeddings", true);
  a.query_scale = static_cast<float>(1.0 / std::sqrt(c.number_or("query_pre_attn_scalar", 256, 1e-6, 1e9)));
  return a;
}

Architecture read_gemma2(const JsonObject& c) {
  Architecture a = read_gemma(c, "gemma2");
  read_rope(c, a, 10000.0);
  a.attn_softcap = static_cast<float>(c.json().contains("attn_logit_softcapping") ? c.number_or("attn_logit_softcapping", 0, 0, 1e9) : 50.0);
  a.final_softcap = static_cast<float>(c.json().contains("final_logit_softcapping") ? c.number_or("final_logit_softcapping", 0, 0, 1e9) : 30.0);
  const int w = c.json().contains("sliding_window") ? read_window(c) : 4096;
  if (!read_layer_types(c, a, w))
    for (int i = 0; i < a.num_layers; i += 2) a.window[static_cast<size_t>(i)] = w;
  return a;
}

Architecture read_gemma3(const JsonObject& c) {
  Architecture a = read_gemma(c, "gemma3_text");
  a.qk_norm = true;
  read_rope(c, a, 1000000.0);
  if (!a.local_rope) {
    RopeParams local;  // rope_scaling applies to the global layers only
    local.theta = c.number_or("rope_local_base_freq", 10000.0, 1, 1e12);
    local.fraction = a.rope.fraction;
    a.local_rope = local;
  }
  // transformers never passes attn_logit_softcapping to Gemma 3's attention.
  a.final_softcap = static_cast<float>(c.number_or("final_logit_softcapping", 0, 0, 1e9));
  const int w = c.json().contains("sliding_window") ? read_window(c) : 4096;
  if (!read_layer_types(c, a, w)) {
    const int pattern = static_cast<int>(c.integer_or("sliding_window_pattern", 6, 1, 1 << 20));
    for (int i = 0; i < a.num_layers; ++i)
      if ((i + 1) % pattern != 0) a.window[static_cast<size_t>(i)] = w;
  }
  return a;
}

// Gemma3ForConditionalGeneration (gemma-3-4b and larger): the language model's config is
// text_config; the vision tower is not run.
Architecture read_gemma3_multimodal(const JsonObject& c) {
  const std::optional<JsonObject> text = c.object("text_config");
  if (!text) c.fail_key("text_config", "is needed: a gemma3 checkpoint keeps its language model's config there");
  Architecture a = read_gemma3(*text);
  a.family = "gemma3";
  return a;
}

Architecture read_phi3(const JsonObject& c) {
  Architecture a = read_mistral_like(c, "phi3", 0);
  a.fused_qkv = a.fused_gate_up = true;
  return a;
}

struct Family {
  const char* model_type;
  Architecture (*read)(const JsonObject&);
};

constexpr Family kFamilies[] = {
    {"gemma2", read_gemma2}, {"gemma3", read_gemma3_multimodal}, {"gemma3_text", read_gemma3},
    {"llama", read_llama},   {"mistral", read_mistral},
    {"phi3", read_phi3},     {"qwen2", read_qwen2},        {"qwen3", read_qwen3},
};

}  // namespace

int RopeParams::rotated_dims(int head_dim) const {
  return static_cast<int>(static_cast<double>(head_dim) * fraction);
}

std::vector<float> RopeParams::inverse_frequencies(int head_dim) const {
  const int rd = rotated_dims(head_dim), half = rd / 2;
  std::vector<float> f(static_cast<size_t>(half));
  for (int j = 0; j < half; ++j)
    f[static_cast<size_t>(j)] = 1.0f / std::pow(static_cast<float>(theta), static_cast<float>(2 * j) / static_cast<float>(rd));
  if (scaling == RopeScaling::Linear) {
    for (float& x : f) x /= static_cast<float>(factor);
  } else if (scaling == RopeScaling::Llama3) {
    // transformers' _compute_llama3_parameters, in float32.
    const float orig = static_cast<float>(original_max_positions);
    const float low_wl = orig / static_cast<float>(low_freq_factor), high_wl = orig / static_cast<float>(high_freq_factor);
    for (float& x : f) {
      const float wavelen = static_cast<float>(2 * kPi) / x;
      if (wavelen < high_wl) continue;
      if (wavelen > low_wl) {
        x /= static_cast<float>(factor);
        continue;
      }
      const float s = (orig / wavelen - static_cast<float>(low_freq_factor)) /
                      static_cast<float>(high_freq_factor - low_freq_factor);
      x = (1 - s) * x / static_cast<float>(factor) + s * x;
    }
  }
  return f;
}

float Architecture::scale_divisor() const {
  return query_scale > 0 ? 1.0f / query_scale : std::sqrt(static_cast<float>(head_dim));
}

int Architecture::attended_keys(int layer, int query, int seq_len) const {
  const int all = causal ? query + 1 : seq_len;
  const int w = window.empty() ? 0 : window.at(static_cast<size_t>(layer));
  return w > 0 ? std::min(all, w) : all;
}

Architecture learned_position_architecture(const std::string& family, int layers, int hidden, int heads, int intermediate,
                                           float eps, MlpKind mlp, bool causal) {
  Architecture a;
  a.family = family;
  a.num_layers = layers;
  a.hidden_size = hidden;
  a.num_heads = a.num_kv_heads = heads;
  a.head_dim = hidden / heads;
  a.intermediate_size = intermediate;
  a.norm = NormKind::LayerNorm;
  a.norm_eps = eps;
  a.mlp = mlp;
  a.qkv_bias = a.output_bias = true;
  a.positions = PositionKind::Learned;
  a.causal = causal;
  a.set_global_attention();
  return a;
}

std::vector<std::string> decoder_families() {
  std::vector<std::string> out;
  for (const Family& f : kFamilies) out.emplace_back(f.model_type);
  return out;
}

bool is_decoder_family(const std::string& model_type) {
  for (const Family& f : kFamilies)
    if (model_type == f.model_type) return true;
  return false;
}

Architecture read_decoder_architecture(const JsonObject& config) {
  const std::string type = config.string("model_type");
  for (const Family& f : kFamilies)
    if (type == f.model_type) return f.read(config);
  fail(ErrorKind::Model, config.label() + ": '" + type + "' is not a decoder family");
}

const char* to_string(MlpKind kind) {
  switch (kind) {
    case MlpKind::Gelu: return "gelu";
    case MlpKind::GeluTanh: return "gelu_tanh";
    case MlpKind::Relu: return "relu";
    case MlpKind::SwiGlu: return "swiglu";
    case MlpKind::GeGlu: return "geglu";
  }
  return "?";
}

std::vector<int64_t> read_eos_ids(const JsonObject& config, const std::filesystem::path& dir, int64_t vocab_size) {
  const auto ids_of = [vocab_size](const nlohmann::json& j, const std::string& label) {
    std::vector<int64_t> ids;
    const auto one = [&](const nlohmann::json& v) {
      if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() >= vocab_size)
        fail(ErrorKind::Model, label + ": 'eos_token_id' must be a token id in [0, " + std::to_string(vocab_size) +
                                   ") or a list of them, got " + json_excerpt(v));
      ids.push_back(v.get<int64_t>());
    };
    if (j.is_array())
      for (const auto& v : j) one(v);
    else if (!j.is_null())
      one(j);
    return ids;
  };
  const std::filesystem::path gen = dir.empty() ? dir : dir / "generation_config.json";
  std::error_code ec;
  if (!gen.empty() && std::filesystem::is_regular_file(gen, ec)) {
    const nlohmann::json g = read_json_file(gen, "generation_config.json");
    if (g.is_object() && g.contains("eos_token_id") && !g["eos_token_id"].is_null())
      return ids_of(g["eos_token_id"], "generation_config.json");
  }
  const auto it = config.json().find("eos_token_id");
  return it == config.json().end() ? std::vector<int64_t>{} : ids_of(*it, config.label());
}

}  // namespace attnscope
