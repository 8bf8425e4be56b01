#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/common/progress.h"
#include "core/image/geometry.h"
#include "core/image/image_io.h"
#include "core/image/preprocess.h"
#include "core/models/model.h"
#include "core/tokenizers/tokenizer.h"

namespace attnscope {

// Where a run keeps its attention. Maps: every captured layer's maps, H S^2 floats each.
// QueryKeys: each captured layer's queries and keys (ForwardOptions::query_keys), any map
// recomputed exactly on demand (core/models/query_keys.h). Auto: the maps when the run fits the
// memory budget with them, else the queries and keys when it fits with those.
enum class MapStorage { Auto, Maps, QueryKeys };

struct AnalysisRequest {
  std::string text;                      // text models: the input
  std::optional<std::string> text_pair;  // second segment of a sentence pair (BERT-style models)
  // Encoder-decoder models (T5): the target for teacher forcing, or greedy generation of up to
  // `generate` tokens; exactly one of the two.
  std::optional<std::string> target;
  int generate = 0;
  size_t max_tokens = 0;                 // truncate to this many tokens; 0 = the model's limit
  std::filesystem::path image;           // image models: the input file
  std::optional<ImageSize> image_size;   // image models: resize straight to W x H (no crop) instead of
                                         // preprocessor_config.json's resize and crop
  ForwardOptions forward;
  int top_k = 5;                         // predictions to keep
  uint64_t memory_budget = 0;            // bytes the run may hold (memory_budget.h); 0 = half the RAM
  // Also keep the residual stream (ForwardOptions::hidden_states), which the logit lens and ALTI
  // contributions read, when it costs no more than the captured attention maps or kCheapStreamBytes
  // and the run stays within its budget with it: a short input keeps it at little cost, a long one
  // only its maps (and a run refused for its size is refused for the maps, not the stream).
  bool stream_if_cheap = false;
  // Auto and QueryKeys decide forward.query_keys; Maps leaves it as set. Maps by default until the
  // views read maps recomputed from queries and keys.
  MapStorage storage = MapStorage::Maps;
};
inline constexpr uint64_t kCheapStreamBytes = 64ull << 20;

// A class (classifiers) or next token (language models) with its probability.
struct Prediction {
  int64_t id = 0;
  std::string label;  // id2label entry, or the token as displayed
  float probability = 0;
  float logit = 0;
};

// Everything one run produced; owned by the GUI's document and written by the exporters.
struct Analysis {
  bool cancelled = false;
  ModelInfo model;
  std::string text;
  std::string text_pair;
  Encoding encoding;                 // text models: one token per attention row
  std::vector<std::string> labels;   // display label of every attention row, e.g. "▁the" -> " the"
                                     // (images: "[CLS]", "[DIST]" / "[REGn]", then "(row,col)" per patch)
  // Encoder-decoder models: the target (teacher forcing), its tokens (with </s>), and the display
  // label of every decoder position, i.e. of forward.decoder.input_ids (starting with the pad).
  std::string target;
  Encoding target_encoding;
  std::vector<std::string> decoder_labels;
  std::filesystem::path image_path;  // image models: the input file
  std::optional<ImageSize> image_size;  // image models: AnalysisRequest::image_size, when one was asked for
  RgbImage image;                    // image models: the decoded original (EXIF-oriented), for overlays
  Tensor pixel_values;               // image models: [3, H, W], what the model ran on
  ImageGeometry geometry;            // image models: patch grid, patch -> original-image rectangles
  ForwardResult forward;
  std::vector<Prediction> predictions;
  std::vector<std::string> warnings;  // truncation, non-finite weights, ...
  double seconds = 0;                 // wall time of tokenisation + forward pass

  int seq_len() const { return forward.attentions.seq_len; }
  bool has_decoder() const { return !forward.decoder.empty(); }
};

// The logit lens (nostalgebraist, "interpreting GPT: the logit lens", 2020): what the model would
// predict if the residual stream went to the head after layer l, softmax(unembed(final_norm(h_l)))
// for every position, the embeddings (layer -1) first. After the last layer it is the model's own
// prediction. Masked LMs read it through their MLM head (post-LN encoders have no final norm).
struct LogitLens {
  std::vector<int> layers;           // -1 (the embeddings), 0 .. L-1: the stream after that layer
  int positions = 0;
  int top_k = 0;
  std::vector<Prediction> top;       // [layers, positions, top_k], most probable first

  const Prediction& at(size_t layer_index, int position, int rank) const {
    return top[(layer_index * static_cast<size_t>(positions) + static_cast<size_t>(position)) * static_cast<size_t>(top_k) + static_cast<size_t>(rank)];
  }
};

// A model folder opened once (weights mapped, tokenizer loaded) and run on many inputs.
class Analyzer {
 public:
  // A model folder, or `builtin:NAME` (install_paths.h). Throws Error(Model) with the file at fault.
  static std::unique_ptr<Analyzer> open(const std::filesystem::path& reference);

  const ModelInfo& info() const { return model_->info(); }
  const Model& model() const { return *model_; }
  const Tokenizer* tokenizer() const { return tokenizer_.get(); }
  const ImageProcessorConfig* image_processor() const { return image_processor_ ? &*image_processor_ : nullptr; }

  // Runs one input. Throws Error(Input) for unusable input (empty text, invalid UTF-8, an
  // unreadable or oversized image), Error(Resource) before the forward pass when its outputs
  // would exceed the memory budget, Error(Usage) for inconsistent requests; returns
  // cancelled = true if `progress` stopped it.
  Analysis run(const AnalysisRequest& request, const ProgressFn& progress = {}) const;

  // The `k` most probable tokens at `position` of a run of this model on a language model: the
  // next token after it for causal LMs, the token at it for masked LMs (e.g. at [MASK]). Read from
  // the run's last hidden state through the LM head, so any position works after a run that kept
  // only the last logits. Error(Usage) for models without an LM head, or a position outside the run.
  std::vector<Prediction> predictions_at(const Analysis& analysis, int position, int k) const;

  // The logit lens of a run of this model that kept its hidden states (ForwardOptions::
  // hidden_states), the k most probable tokens per layer and position. Error(Usage) for models
  // without an LM head (and T5, whose stored stream is the encoder's) or without hidden states;
  // cancelled by `progress`: empty layers.
  LogitLens logit_lens(const Analysis& analysis, int k, const ProgressFn& progress = {}) const;

 private:
  Analyzer() = default;
  std::unique_ptr<Model> model_;
  std::unique_ptr<Tokenizer> tokenizer_;
  std::optional<ImageProcessorConfig> image_processor_;  // image models: preprocessor_config.json
  std::vector<std::string> open_warnings_;                // e.g. no preprocessor_config.json
};

// The decoder stack of an encoder-decoder analysis as an Analysis of its own, so that every view
// and export made for one stack shows it: the decoder's self-attention and hidden states, one
// token per decoder position (the start id, then the target's tokens with their offsets into
// `text` = the target), and a causal model of num_decoder_layers layers. The encoder's side and
// the cross-attention stay in forward.decoder of the original. Throws Error(Usage) without a
// decoder.
Analysis decoder_stack(const Analysis& analysis, const Tokenizer& tokenizer);

// The `k` most probable entries of softmax(logits).
std::vector<Prediction> top_k(const float* logits, int64_t n, int k);

}  // namespace attnscope
