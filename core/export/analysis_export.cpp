#include "core/export/analysis_export.h"

#include <cstring>

namespace attnscope {

size_t char_offset(const std::string& text, size_t byte_offset) {
  size_t n = 0;
  for (size_t i = 0; i < byte_offset && i < text.size(); ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++n;
  return n;
}

namespace {

nlohmann::ordered_json rect_json(const RectF& r) { return {r.x, r.y, r.width, r.height}; }

void add_image_fields(const Analysis& a, TensorBundle& b) {
  const ImageGeometry& g = a.geometry;
  const ImageTransform& t = g.transform;
  b.fields["image"] = a.image_path.string();
  b.fields["image_size"] = {t.original_width, t.original_height};
  b.fields["resized_size"] = {t.resized_width, t.resized_height};
  b.fields["crop"] = {t.crop_left, t.crop_top, t.input_width, t.input_height};
  b.fields["crop_box"] = rect_json(g.crop_box());
  b.fields["input_size"] = {t.input_width, t.input_height};
  b.fields["patch_size"] = g.patch_size;
  b.fields["grid"] = {g.rows, g.cols};
  b.fields["prefix_tokens"] = g.prefix_tokens;
  b.fields["tokens"] = a.labels;
  if (!a.pixel_values.empty()) b.add_view("pixel_values", a.pixel_values);
  std::vector<float> boxes;
  for (const RectF& r : g.patch_rects())
    for (double v : {r.x, r.y, r.width, r.height}) boxes.push_back(static_cast<float>(v));
  BundleArray arr;
  arr.name = "patch_boxes";
  arr.dtype = DType::F32;
  arr.shape = {g.num_patches(), 4};
  arr.nbytes = boxes.size() * sizeof(float);
  arr.owned.resize(arr.nbytes);
  std::memcpy(arr.owned.data(), boxes.data(), arr.nbytes);
  b.arrays.push_back(std::move(arr));
}

void add_attentions(TensorBundle& b, const std::string& name, const AttentionMaps& m) {
  if (m.empty()) return;
  if (m.f16) {  // kept as float16 (--attention-f16): written as F16
    BundleArray arr;
    arr.name = name;
    arr.dtype = DType::F16;
    arr.shape = m.shape();
    arr.view = reinterpret_cast<const uint8_t*>(m.data_f16.data());
    arr.nbytes = m.bytes();
    b.arrays.push_back(std::move(arr));
  } else {
    b.add_view(name, m.data.data(), m.shape());
  }
}

// A run that kept queries and keys instead of maps: per layer "queries.L" [S, H d] and "keys.L"
// [S, Hkv d] (T5: "relative_bias.L" [H, 2S - 1]) and what the scores need, enough to recompute any
// map: softmax over keys j of (q_i . k_j) / scale_divisor (q_i / scale_divisor first when
// scale_query_first), soft-capped, plus the bias, with the causal, window and padding masks.
void add_query_keys(TensorBundle& b, const QueryKeyCapture& qk) {
  nlohmann::ordered_json params = nlohmann::ordered_json::array();
  for (const LayerQueryKeys& l : qk.layers) {
    const std::string n = std::to_string(l.layer);
    b.add_view("queries." + n, l.q.data(), {l.q.rows(), l.q.cols()});
    b.add_view("keys." + n, l.k.data(), {l.k.rows(), l.k.cols()});
    if (l.relative_bias.size() > 0)
      b.add_view("relative_bias." + n, l.relative_bias.data(), {l.relative_bias.rows(), l.relative_bias.cols()});
    const layers::AttentionParams& p = l.shape;
    params.push_back({{"layer", l.layer}, {"heads", p.num_heads}, {"kv_heads", p.num_kv_heads}, {"head_dim", p.head_dim},
                      {"scale_divisor", p.scale_divisor}, {"scale_query_first", p.scale_query_first}, {"causal", p.causal},
                      {"window", p.window}, {"softcap", p.softcap}});
  }
  b.fields["attention_kept_as"] = "query_keys";
  b.fields["query_key_layers"] = params;
}

void add_decoder(const Analysis& a, TensorBundle& b) {
  const DecoderResult& d = a.forward.decoder;
  b.add_ints("decoder_input_ids", d.input_ids);
  b.fields["decoder_tokens"] = a.decoder_labels;
  if (!d.generated.empty()) {
    b.add_ints("generated_ids", d.generated);
  } else {
    b.add_ints("labels", a.target_encoding.ids());
    b.fields["target"] = a.target;
    nlohmann::ordered_json tokens = nlohmann::ordered_json::array(), offsets = nlohmann::ordered_json::array();
    for (const auto& t : a.target_encoding.tokens) {
      tokens.push_back(t.text);
      if (t.sequence < 0) offsets.push_back({0, 0});
      else offsets.push_back({char_offset(a.target, t.begin), char_offset(a.target, t.end)});
    }
    b.fields["target_tokens"] = tokens;
    b.fields["target_offsets"] = offsets;
  }
  add_attentions(b, "decoder_attentions", d.attentions);
  add_attentions(b, "cross_attentions", d.cross_attentions);
  if (!d.attentions.empty()) {
    std::vector<int64_t> layers(d.attentions.layers.begin(), d.attentions.layers.end());
    b.add_ints("decoder_attention_layers", layers);
  }
  if (!d.hidden_states.empty()) b.add_view("decoder_hidden_states", d.hidden_states);
  if (!d.last_hidden_state.empty()) b.add_view("decoder_last_hidden_state", d.last_hidden_state);
}

}  // namespace

TensorBundle bundle_analysis(const Analysis& a) {
  TensorBundle b;
  const ForwardResult& f = a.forward;
  b.fields["model_type"] = a.model.model_type;
  b.fields["architecture"] = a.model.architecture;
  if (a.model.modality == Modality::Text) {
    b.fields["text"] = a.text;
    if (!a.text_pair.empty()) b.fields["text_pair"] = a.text_pair;
    nlohmann::ordered_json tokens = nlohmann::ordered_json::array(), offsets = nlohmann::ordered_json::array(),
                           seq = nlohmann::ordered_json::array(), special = nlohmann::ordered_json::array();
    for (const auto& t : a.encoding.tokens) {
      tokens.push_back(t.text);
      const std::string& src = t.sequence == 1 ? a.text_pair : a.text;
      if (t.sequence < 0) offsets.push_back({0, 0});
      else offsets.push_back({char_offset(src, t.begin), char_offset(src, t.end)});
      seq.push_back(t.sequence);
      special.push_back(t.special ? 1 : 0);
    }
    b.fields["tokens"] = tokens;         // as the tokenizer gives them ("Ġworld", "<0xE4>")
    b.fields["token_labels"] = a.labels;  // as the views show them (" world", the character)
    b.fields["offsets"] = offsets;
    b.fields["sequence_ids"] = seq;
    b.fields["special_tokens_mask"] = special;
    b.add_ints("input_ids", a.encoding.ids());
    if (a.model.token_types) b.add_ints("token_type_ids", a.encoding.type_ids());
  } else if (a.model.modality == Modality::Image) {
    add_image_fields(a, b);
  }
  // Encoder-decoder runs name the encoder's arrays as transformers' Seq2SeqLMOutput does.
  const std::string stack = a.has_decoder() ? "encoder_" : "";
  add_attentions(b, stack + "attentions", f.attentions);
  if (!f.attentions.empty()) {
    std::vector<int64_t> layers(f.attentions.layers.begin(), f.attentions.layers.end());
    b.add_ints("attention_layers", layers);
  }
  if (!f.query_keys.empty()) add_query_keys(b, f.query_keys);
  if (!f.hidden_states.empty()) b.add_view(stack + "hidden_states", f.hidden_states);
  if (!f.last_hidden_state.empty()) b.add_view(stack + "last_hidden_state", f.last_hidden_state);
  if (a.has_decoder()) add_decoder(a, b);
  if (!f.logits.empty()) b.add_view("logits", f.logits);
  for (const auto& [name, t] : f.extras) b.add_view(name, t);
  // Named capture points (ForwardOptions::taps): "resid.3", "q.0", "hidden.embeddings".
  for (const TappedTensor& t : f.tapped)
    b.add_view(std::string(to_string(t.tap)) + "." + (t.layer < 0 ? std::string("embeddings") : std::to_string(t.layer)), t.value);
  if (!a.predictions.empty()) {
    nlohmann::ordered_json preds = nlohmann::ordered_json::array();
    for (const auto& p : a.predictions)
      preds.push_back({{"id", p.id}, {"label", p.label}, {"probability", p.probability}, {"logit", p.logit}});
    b.fields["predictions"] = preds;
  }
  if (!a.warnings.empty()) b.fields["warnings"] = a.warnings;
  return b;
}

void add_value_norms(TensorBundle& bundle, const ValueNormMaps& norms) {
  bundle.add_view("value_norm", norms.heads);
  bundle.add_view("value_norm_layer", norms.layer);
}

void add_contributions(TensorBundle& bundle, const ContributionMaps& contributions) {
  bundle.add_view("contributions", contributions.layer);
  bundle.add_view("alti", contributions.aggregated);
}

void export_analysis(const Analysis& analysis, const std::filesystem::path& path, bool overwrite) {
  write_bundle(bundle_analysis(analysis), path, overwrite);
}

}  // namespace attnscope
