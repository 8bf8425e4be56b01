#include "core/pipeline/analyzer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "core/common/error.h"
#include "core/common/text.h"
#include "core/pipeline/install_paths.h"
#include "core/pipeline/memory_budget.h"

namespace attnscope {

std::unique_ptr<Analyzer> Analyzer::open(const std::filesystem::path& reference) {
  const std::filesystem::path dir = resolve_model_reference(reference.string());
  std::unique_ptr<Analyzer> a(new Analyzer());
  a->model_ = load_model(dir);
  if (a->model_->info().modality == Modality::Text) {
    a->tokenizer_ = load_tokenizer(dir, a->model_->info().model_type);
    // A tokenizer from another model gives ids the embedding does not have: say so now, naming
    // both files, rather than at the first input that happens to use one.
    const int64_t rows = a->model_->info().vocab_size;
    if (rows > 0 && a->tokenizer_->vocab_size() > rows) {
      std::error_code ec;
      const char* file = std::filesystem::is_regular_file(dir / "tokenizer.json", ec) ? "tokenizer.json"
                         : std::filesystem::is_regular_file(dir / "vocab.txt", ec)    ? "vocab.txt"
                                                                                      : "vocab.json";
      const int64_t top = a->tokenizer_->vocab_size() - 1;
      fail(ErrorKind::Model, std::string(file) + " and config.json do not match: the tokenizer uses ids up to " +
                                 std::to_string(top) + " ('" + printable(excerpt(a->tokenizer_->token_text(top), 40)) +
                                 "'), but config.json's vocab_size is " + std::to_string(rows) +
                                 " (the embedding's rows); the tokenizer files belong to another model");
    }
  } else {
    a->image_processor_ = load_image_processor_config(dir, a->model_->info().image_size, a->open_warnings_);
  }
  return a;
}

std::vector<Prediction> top_k(const float* logits, int64_t n, int k) {
  std::vector<Prediction> out;
  if (n <= 0 || k <= 0) return out;
  const float m = *std::max_element(logits, logits + n);
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += std::exp(static_cast<double>(logits[i] - m));
  std::vector<int64_t> idx(static_cast<size_t>(n));
  std::iota(idx.begin(), idx.end(), 0);
  const auto kk = std::min<int64_t>(k, n);
  std::partial_sort(idx.begin(), idx.begin() + kk, idx.end(), [&](int64_t a, int64_t b) { return logits[a] > logits[b]; });
  for (int64_t i = 0; i < kk; ++i) {
    Prediction p;
    p.id = idx[static_cast<size_t>(i)];
    p.logit = logits[p.id];
    p.probability = static_cast<float>(std::exp(static_cast<double>(p.logit - m)) / sum);
    out.push_back(p);
  }
  return out;
}

Analysis Analyzer::run(const AnalysisRequest& req, const ProgressFn& progress) const {
  const auto t0 = std::chrono::steady_clock::now();
  const ModelInfo& mi = info();
  Analysis a;
  a.model = mi;
  a.warnings = mi.warnings;
  a.warnings.insert(a.warnings.end(), open_warnings_.begin(), open_warnings_.end());
  ForwardInput input;

  if (mi.modality == Modality::Text && !req.image.empty()) fail(ErrorKind::Usage, "text models take text, not an image");
  if (mi.modality == Modality::Text) {
    auto blank = [](const std::string& s) {
      return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; });
    };
    if (req.text.empty()) fail(ErrorKind::Input, "the input text is empty");
    if (blank(req.text)) fail(ErrorKind::Input, "the input text contains only whitespace");
    if (req.text_pair && req.text_pair->empty()) fail(ErrorKind::Input, "the second text of the pair is empty");
    size_t limit = static_cast<size_t>(mi.max_positions);
    if (req.max_tokens > 0) {
      const size_t specials = req.text_pair ? tokenizer_->post_processor().added_pair() : tokenizer_->post_processor().added_single();
      if (req.max_tokens <= specials)
        fail(ErrorKind::Usage, "a token limit of " + std::to_string(req.max_tokens) + " leaves no room for the text: this model adds " +
                                   std::to_string(specials) + " special token(s), so the limit must be at least " +
                                   std::to_string(specials + 1));
      limit = std::min(limit, req.max_tokens);
    }
    a.text = req.text;
    a.encoding = req.text_pair ? tokenizer_->encode_pair(req.text, *req.text_pair, limit) : tokenizer_->encode(req.text, limit);
    if (req.text_pair) a.text_pair = *req.text_pair;
    if (a.encoding.tokens.empty()) fail(ErrorKind::Input, "the input text produced no tokens");
    if (a.encoding.truncated)
      a.warnings.push_back(a.encoding.untruncated_length > 0
                               ? "input truncated from " + std::to_string(a.encoding.untruncated_length) + " to " +
                                     std::to_string(a.encoding.tokens.size()) + " tokens (limit " + std::to_string(limit) + ")"
                               : "input truncated to " + std::to_string(a.encoding.tokens.size()) + " tokens (limit " +
                                     std::to_string(limit) + "); only the beginning of the " + human_bytes(req.text.size()) +
                                     " text was tokenized");
    input.input_ids = a.encoding.ids();
    if (mi.encoder_decoder) {
      if (req.target && req.generate > 0) fail(ErrorKind::Usage, "give a target text or a number of tokens to generate, not both");
      if (req.target) {
        if (req.target->empty() || blank(*req.target)) fail(ErrorKind::Input, "the target text is empty");
        a.target = *req.target;
        a.target_encoding = tokenizer_->encode(*req.target, req.max_tokens);
        // Teacher forcing: position t reads the target shifted right and predicts its token t.
        input.decoder_input_ids = {mi.decoder_start_id};
        const std::vector<int64_t> ids = a.target_encoding.ids();
        input.decoder_input_ids.insert(input.decoder_input_ids.end(), ids.begin(), ids.end() - 1);
      } else if (req.generate > 0) {
        input.generate = req.generate;
      } else {
        fail(ErrorKind::Usage, "an encoder-decoder model needs a target text (teacher forcing) or a number of tokens to generate");
      }
    } else if (req.target || req.generate > 0) {
      fail(ErrorKind::Usage, "a target or generation needs an encoder-decoder model (T5); this is " + mi.model_type);
    }
    input.token_type_ids = a.encoding.type_ids();
    a.labels = tokenizer_->display_tokens(a.encoding.tokens);
    // A special token that covers characters of the input stands for them ([UNK] for a character
    // outside the vocabulary): show which, "[UNK](🐱)".
    for (size_t i = 0; i < a.encoding.tokens.size(); ++i) {
      const Token& t = a.encoding.tokens[i];
      if (t.end <= t.begin || t.sequence < 0 || !tokenizer_->is_special(t.id)) continue;
      const std::string& source = t.sequence == 1 ? a.text_pair : a.text;
      if (t.end > source.size()) continue;
      const std::string covered = source.substr(t.begin, t.end - t.begin);
      if (covered.find(a.labels[i]) == std::string::npos) a.labels[i] += "(" + covered + ")";
    }
  } else {
    if (req.image.empty()) fail(ErrorKind::Usage, "image models take an image, not text");
    a.image_path = req.image;
    a.image_size = req.image_size;
    a.image = read_image(req.image);
    PreprocessedImage pre = preprocess_image(a.image, *image_processor_, req.image_size);
    a.geometry = make_image_geometry(pre.transform, mi.patch_size, mi.num_prefix_tokens);
    if (a.geometry.empty())
      fail(ErrorKind::Input, req.image.string() + ": the model input (" + std::to_string(pre.transform.input_width) + "x" +
                                 std::to_string(pre.transform.input_height) + ") is smaller than one patch");
    const int grid = mi.image_size / mi.patch_size;
    if (mi.head == HeadKind::Classifier && (a.geometry.rows != grid || a.geometry.cols != grid))
      a.warnings.push_back("the classifier was trained on a " + std::to_string(grid) + "x" + std::to_string(grid) +
                           " patch grid; position embeddings interpolated to " + std::to_string(a.geometry.rows) + "x" +
                           std::to_string(a.geometry.cols));
    const int first_register = mi.num_prefix_tokens - mi.num_register_tokens;
    for (int i = 0; i < mi.num_prefix_tokens; ++i)
      a.labels.push_back(i == 0 ? "[CLS]" : i >= first_register ? "[REG" + std::to_string(i - first_register) + "]" : "[DIST]");
    for (int r = 0; r < a.geometry.rows; ++r)
      for (int c = 0; c < a.geometry.cols; ++c) a.labels.push_back("(" + std::to_string(r) + "," + std::to_string(c) + ")");
    a.pixel_values = std::move(pre.pixel_values);
    input.pixel_values = a.pixel_values;
  }

  const auto seq_len = static_cast<int64_t>(a.labels.size());
  const uint64_t budget = req.memory_budget > 0 ? req.memory_budget : default_memory_budget();
  ForwardOptions forward = req.forward;
  forward.query_keys = req.storage == MapStorage::QueryKeys || (req.storage == MapStorage::Maps && req.forward.query_keys);
  MemoryEstimate estimate = estimate_run_memory(mi, seq_len, forward);
  if (req.storage == MapStorage::Auto && estimate.total() > budget) {
    ForwardOptions keys = forward;
    keys.query_keys = true;
    const MemoryEstimate with_keys = estimate_run_memory(mi, seq_len, keys);
    if (with_keys.total() <= budget) {
      forward = keys;
      estimate = with_keys;
    }
  }
  if (req.stream_if_cheap && !forward.hidden_states) {
    forward.hidden_states = true;
    const MemoryEstimate keeping = estimate_run_memory(mi, seq_len, forward);
    if (keeping.hidden - estimate.hidden <= std::max<uint64_t>(kCheapStreamBytes, estimate.attention) && keeping.total() <= budget)
      estimate = keeping;
    else
      forward.hidden_states = false;
  }
  check_memory_budget(estimate, budget, seq_len);
  a.forward = model_->forward(input, forward, progress);
  if (a.forward.cancelled) {
    Analysis c;
    c.cancelled = true;
    c.model = mi;
    return c;
  }

  for (int64_t id : a.forward.decoder.input_ids) a.decoder_labels.push_back(tokenizer_->display(id));
  const Tensor& lg = a.forward.logits;
  if (!lg.empty()) {
    if (mi.head == HeadKind::LanguageModel) {
      const int64_t V = lg.shape.back();
      a.predictions = top_k(lg.data.data() + lg.data.size() - static_cast<size_t>(V), V, req.top_k);
      for (auto& p : a.predictions) p.label = tokenizer_ ? tokenizer_->display(p.id) : std::to_string(p.id);
    } else if (mi.head == HeadKind::Classifier) {
      a.predictions = top_k(lg.data.data(), static_cast<int64_t>(lg.data.size()), req.top_k);
      for (auto& p : a.predictions)
        p.label = p.id < static_cast<int64_t>(mi.labels.size()) ? mi.labels[static_cast<size_t>(p.id)] : "LABEL_" + std::to_string(p.id);
    }
  }
  a.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return a;
}

Analysis decoder_stack(const Analysis& src, const Tokenizer& tokenizer) {
  if (!src.has_decoder()) fail(ErrorKind::Usage, "this result has no decoder stack");
  const DecoderResult& d = src.forward.decoder;
  Analysis a;
  a.model = src.model;
  a.model.num_layers = src.model.num_decoder_layers;
  a.model.arch.num_layers = a.model.num_layers;
  a.model.arch.set_global_attention();
  a.model.causal = a.model.arch.causal = true;
  a.text = src.target;
  a.labels = src.decoder_labels;
  a.forward.attentions = d.attentions;
  a.forward.hidden_states = d.hidden_states;
  a.forward.last_hidden_state = d.last_hidden_state;
  a.forward.logits = src.forward.logits;
  a.predictions = src.predictions;
  a.warnings = src.warnings;
  a.seconds = src.seconds;
  // Position t reads the target's token t - 1 (teacher forcing), or the token generated there.
  for (size_t t = 0; t < d.input_ids.size(); ++t) {
    Token tok;
    tok.id = d.input_ids[t];
    tok.text = tokenizer.token_text(tok.id);
    tok.special = tokenizer.is_special(tok.id);
    tok.sequence = -1;
    if (t > 0 && t - 1 < src.target_encoding.tokens.size() && !src.target.empty()) tok = src.target_encoding.tokens[t - 1];
    a.encoding.tokens.push_back(tok);
  }
  return a;
}

std::vector<Prediction> Analyzer::predictions_at(const Analysis& a, int position, int k) const {
  const Tensor& h = a.forward.last_hidden_state;  // [S, D]
  if (a.model.head != HeadKind::LanguageModel) fail(ErrorKind::Usage, a.model.model_type + " is not a language model: no token predictions");
  if (h.shape.size() != 2 || position < 0 || position >= h.shape[0])
    fail(ErrorKind::Usage, "position " + std::to_string(position) + " is outside the run (" +
                               std::to_string(h.shape.empty() ? 0 : h.shape[0]) + " positions)");
  const RowMatrix z = model_->unembed(RowMatrix(h.matrix().row(position)));  // [1, V]
  std::vector<Prediction> out = top_k(z.data(), z.cols(), k);
  for (auto& p : out) p.label = tokenizer_ ? tokenizer_->display(p.id) : std::to_string(p.id);
  return out;
}

LogitLens Analyzer::logit_lens(const Analysis& a, int k, const ProgressFn& progress) const {
  if (a.model.head != HeadKind::LanguageModel || a.model.encoder_decoder)
    fail(ErrorKind::Usage, a.model.model_type + (a.model.encoder_decoder ? ": the stored stream is the encoder's, which the LM head does not read"
                                                                         : " is not a language model: no logit lens"));
  const Tensor& hs = a.forward.hidden_states;  // [L+1, S, D]
  if (hs.shape.size() != 3) fail(ErrorKind::Usage, "the logit lens needs the run's hidden states (run with hidden states kept)");
  if (k <= 0) fail(ErrorKind::Usage, "the logit lens needs k >= 1");
  LogitLens lens;
  const int L1 = static_cast<int>(hs.shape[0]);
  lens.positions = static_cast<int>(hs.shape[1]);
  for (int i = 0; i < L1; ++i) {
    const RowMatrix z = model_->unembed(model_->final_norm(RowMatrix(hs.matrix(i))));  // [S, V]
    lens.top_k = static_cast<int>(std::min<int64_t>(k, z.cols()));
    for (int p = 0; p < lens.positions; ++p) {
      std::vector<Prediction> best = top_k(z.row(p).data(), z.cols(), lens.top_k);
      for (auto& b : best) b.label = tokenizer_ ? tokenizer_->display(b.id) : std::to_string(b.id);
      lens.top.insert(lens.top.end(), best.begin(), best.end());
    }
    if (progress && !progress(Progress{i + 1, L1, "logit lens"})) return LogitLens();
  }
  for (int i = 0; i < L1; ++i) lens.layers.push_back(i - 1);
  return lens;
}

}  // namespace attnscope
