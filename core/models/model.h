#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/common/progress.h"
#include "core/common/tensor.h"
#include "core/models/attention_internals.h"
#include "core/models/attention_maps.h"
#include "core/models/architecture.h"
#include "core/models/capture.h"
#include "core/models/kv_cache.h"
#include "core/models/profile.h"
#include "core/models/query_keys.h"

namespace attnscope {

enum class Modality { Text, Image };
enum class HeadKind { None, LanguageModel, Classifier };

// What a loaded checkpoint is; everything the GUI and `attnscope-cli info` show.
struct ModelInfo {
  std::string model_type;    // config.json "model_type": llama, bert, gpt2, vit, ...
  std::string architecture;  // config.json "architectures"[0], e.g. BertForSequenceClassification
  Modality modality = Modality::Text;
  HeadKind head = HeadKind::None;
  bool causal = false;

  int num_layers = 0;
  int num_heads = 0;
  int num_kv_heads = 0;  // < num_heads for grouped-query attention
  int hidden_size = 0;
  int head_dim = 0;
  int intermediate_size = 0;
  int vocab_size = 0;       // text models
  bool token_types = false; // takes token_type_ids (BERT, RoBERTa)
  int max_positions = 0;    // longest input in tokens (text) or 0 (images: any size)
  std::vector<std::string> labels;  // id2label of classifiers, by class id

  int image_size = 0;       // image models: training resolution (square)
  int patch_size = 0;
  int num_channels = 0;
  int num_prefix_tokens = 0;  // tokens before the patches: CLS (+ DeiT's distillation token) (+ registers)
  int num_register_tokens = 0;  // DINOv2 with registers: the last num_register_tokens of the prefix

  // Encoder-decoder models (T5): the layers above are the encoder's.
  bool encoder_decoder = false;
  int num_decoder_layers = 0;
  int64_t decoder_start_id = 0;  // decoding starts from this id (T5: the pad id, 0)
  int64_t eos_id = -1;           // greedy generation stops after it
  // Causal LMs: config.json's eos_token_id (one id or a list); generation stops after one of them.
  std::vector<int64_t> eos_ids;
  bool kv_cache = false;         // forward() takes ForwardInput::cache

  int64_t parameter_count = 0;
  uint64_t weights_bytes = 0;  // size of the safetensors file(s)
  std::filesystem::path dir;
  std::vector<std::string> warnings;  // e.g. non-finite weights

  // The descriptor the forward pass and the cost model run on; the shape fields above are
  // copied from it (set_architecture).
  Architecture arch;
  void set_architecture(const Architecture& a);
  // Query head h reads key/value head kv_head(h).
  int kv_head(int head) const { return num_kv_heads > 0 ? head / (num_heads / num_kv_heads) : head; }
  // 0 = global attention; W = sliding window of W keys (Architecture::window).
  int window(int layer) const {
    return layer >= 0 && static_cast<size_t>(layer) < arch.window.size() ? arch.window[static_cast<size_t>(layer)] : 0;
  }
  bool has_sliding_layers() const;
};

// One sequence (batch dimension dropped everywhere).
struct ForwardInput {
  std::vector<int64_t> input_ids;       // text: [S]
  std::vector<int64_t> token_type_ids;  // text: [S] or empty (all 0)
  std::vector<int64_t> attention_mask;  // text: [S], 1 real / 0 padding, or empty (all 1)
  Tensor pixel_values;                  // images: [3, H, W], normalised
  // Encoder-decoder models: the decoder's input [T], starting with ModelInfo::decoder_start_id
  // (teacher forcing: the start id, then the target's ids but the last); or, with `generate` > 0,
  // empty, and the model decodes greedily up to that many tokens (stopping after eos) and then
  // runs on [start] + generated[:-1].
  std::vector<int64_t> decoder_input_ids;
  int generate = 0;
  // Causal LMs only (ModelInfo::kv_cache): input_ids are the tokens after the cache->length tokens
  // already read; positions continue from there, attention runs over the cached keys and the new
  // ones, and the cache grows by input_ids.size(). The captured maps are then [L, H, S, length + S]
  // (AttentionMaps::key_len). Empty cache: an ordinary run that fills it.
  KvCache* cache = nullptr;
};

enum class LogitsMode { All, Last, None };  // LM logits for every position, the last, or none

// A head whose output is taken out of the attention block (head ablation, core/pipeline/
// head_ablation.h): its slice of the context, what it would write through W_O, zeroed or replaced
// by its mean over the input's positions.
struct HeadAblation {
  int layer = 0;
  int head = 0;
  bool mean = false;  // false: zero
};

struct ForwardOptions {
  std::vector<int> layers;            // layers whose attention is captured; empty = all
  bool attention_f16 = false;         // keep the captured attention as float16 (AttentionMaps::f16)
  bool hidden_states = false;         // also capture the residual stream [L+1, S, D]
  LogitsMode logits = LogitsMode::All;
  int threads = 0;                    // 0 = as many as the machine has
  // Layers whose per-head q, k, v (after RoPE) and context are kept in ForwardResult::internals
  // (see attention_internals.h); empty = none. Off by default: nothing is copied or allocated.
  std::vector<int> capture_internals;
  // Keep the captured layers' queries and keys (ForwardResult::query_keys) instead of their maps:
  // O(S d) a layer instead of O(H S^2); any map is then recomputed exactly (query_keys.h).
  // ForwardResult::attentions then has its shape (layers, heads, seq_len) and no layer.
  bool query_keys = false;
  bool profile = false;               // time every layer by part into ForwardResult::profile
  // Any other named capture points (capture.h), returned in ForwardResult::tapped.
  std::vector<TapRequest> taps;
  // Heads ablated in this run (T5: the encoder's self-attention). The attention maps are still
  // the heads' own; the Ctx capture point shows the ablated context.
  std::vector<HeadAblation> ablate;
};

// The decoder's side of an encoder-decoder run; ForwardResult's own attentions, hidden states and
// last_hidden_state are then the encoder's, and its logits [T, V] the decoder's.
struct DecoderResult {
  std::vector<int64_t> input_ids;  // [T] the decoder input that ran
  std::vector<int64_t> generated;  // ForwardInput::generate: the greedy tokens, argmax of logits[t]
  AttentionMaps attentions;        // decoder self-attention [L, H, T, T], causal
  AttentionMaps cross_attentions;  // [L, H, T, S]: decoder position x source token
  Tensor hidden_states;            // [L+1, T, D] when requested
  Tensor last_hidden_state;        // [T, D], after the final norm
  bool empty() const { return input_ids.empty(); }
};

struct ForwardResult {
  bool cancelled = false;   // true: the progress callback stopped the run; nothing else is set
  AttentionMaps attentions;
  Tensor hidden_states;     // [L+1, S, D] when requested: embeddings, then each layer's output
  Tensor last_hidden_state; // [S, D], after any final norm
  Tensor logits;            // LMs: [S, V] (or [1, V] with LogitsMode::Last); classifiers: [C]
  std::vector<std::pair<std::string, Tensor>> extras;  // pooler_output, cls_logits, position_embeddings, ...
  AttentionInternals internals;  // the layers of ForwardOptions::capture_internals
  QueryKeyCapture query_keys;    // ForwardOptions::query_keys: the layers of ForwardOptions::layers
  ForwardProfile profile;        // ForwardOptions::profile: wall time per layer and part
  std::vector<TappedTensor> tapped;  // ForwardOptions::taps, in the order announced
  DecoderResult decoder;             // encoder-decoder models only

  // The tapped tensor, or nullptr.
  const Tensor* find_tapped(Tap tap, int layer) const;
};

inline ForwardResult cancelled_result() {
  ForwardResult r;
  r.cancelled = true;
  return r;
}

class Model;
struct CheckpointFiles;
class JsonObject;
std::unique_ptr<Model> load_model(const std::filesystem::path& dir);
std::unique_ptr<Model> load_model(const CheckpointFiles& files, const JsonObject& config);

// The LayerNorm after a post-LN encoder's attention residual, with what the statistics it takes
// need besides the parts: the output projection's bias (Model::attention_post_norm).
struct PostAttentionNorm {
  std::vector<float> weight;       // [D] gamma
  std::vector<float> output_bias;  // [D] b_O, added before the norm
  float eps = 1e-12f;
};

// A transformer with its weights, ready to run. forward() is const and may be called from any
// one thread at a time per call; it allocates its own activations.
class Model {
 public:
  friend std::unique_ptr<Model> load_model(const std::filesystem::path& dir);
  friend std::unique_ptr<Model> load_model(const CheckpointFiles& files, const JsonObject& config);
  virtual ~Model() = default;
  const ModelInfo& info() const { return info_; }
  virtual ForwardResult forward(const ForwardInput& input, const ForwardOptions& options,
                                const ProgressFn& progress = {}) const = 0;
  // The language-model head on rows of ForwardResult::last_hidden_state: logits [R, V], exactly
  // those forward() gives (it runs this same code), for any positions chosen after the run (the
  // prediction at a query token or at [MASK]). `rows`: [R, D]. Error(Usage) for models without
  // such a head (classifiers, vision, encoder-decoder).
  virtual RowMatrix unembed(const RowMatrix& rows) const;
  // The norm between the last layer and the head (Llama's model.norm, GPT-2's ln_f) on rows of
  // the residual stream [R, D], as forward() applies it (the same code); the rows unchanged for
  // post-LN encoders, whose layers end normalised. With unembed(): the logit lens.
  virtual RowMatrix final_norm(const RowMatrix& rows) const { return rows; }
  // Layer `layer`'s attention output projection W_O [H d, D], without its bias: the attention
  // block adds ctx W_O + b_O to the stream, ctx [S, H d] being the heads' contexts side by side,
  // so rows h d .. (h+1) d - 1 are what head h writes through (core/analysis/value_norm.h).
  // Error(Usage) where the block's output is not linear in the contexts (Gemma's norm after the
  // projection) and for a layer out of range. T5: the encoder's self-attention. DINOv2: with its layer
  // scale folded in (columns times lambda1), since that is what reaches the stream.
  virtual RowMatrix attention_output_weight(int layer) const;
  // Post-LN encoders (BERT, DistilBERT, RoBERTa): the LayerNorm the stream goes through after the
  // attention residual, stream = LN(x + ctx W_O + b_O); nullopt for models that add the attention
  // output to the stream as it is (pre-LN, ViT, DINOv2 with its layer scale folded into W_O).
  virtual std::optional<PostAttentionNorm> attention_post_norm(int layer) const {
    require_layer(layer);
    return std::nullopt;
  }

 protected:
  ModelInfo info_;
  // Error(Usage) unless 0 <= layer < the model's layers.
  void require_layer(int layer) const;
};

// Opens the model folder `dir`: reads config.json, maps the safetensors weights and checks the
// shape of every tensor the architecture needs. Throws Error(Model) with the file and tensor at
// fault; an unknown model_type gives "unsupported model_type 'x' (supported: ...)".
std::unique_ptr<Model> load_model(const std::filesystem::path& dir);

// The same from files already located (or synthetic weights, see checkpoint.h) and their parsed
// config.json; ModelInfo::dir is files.dir.
std::unique_ptr<Model> load_model(const CheckpointFiles& files, const JsonObject& config);

// For models without ModelInfo::kv_cache: Error(Usage) if `input` brings a cache.
void refuse_kv_cache(const ForwardInput& input, const ModelInfo& info);

// The model types load_model() understands, sorted.
std::vector<std::string> supported_model_types();

}  // namespace attnscope
