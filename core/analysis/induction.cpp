#include "core/analysis/induction.h"

#include <algorithm>
#include <random>
#include <string>

#include "core/analysis/fusion.h"
#include "core/common/error.h"

namespace attnscope {

InductionInput induction_input(const Tokenizer& tokenizer, int64_t vocab_size, const InductionOptions& options, int sample) {
  if (options.block_length < 2) fail(ErrorKind::Usage, "induction: the block length must be at least 2");
  InductionInput in;
  for (const auto& piece : tokenizer.post_processor().single) {
    if (piece.kind != TemplatePiece::Special) break;
    in.ids.push_back(piece.id);
  }
  in.block_start = static_cast<int>(in.ids.size());
  in.block_length = options.block_length;

  std::vector<int64_t> pool;
  for (int64_t id = 0; id < vocab_size; ++id)
    if (!tokenizer.is_special(id)) pool.push_back(id);
  if (pool.empty()) fail(ErrorKind::Usage, "induction: the vocabulary has no ordinary tokens");
  // mt19937_64's output is fixed by the standard (the std distributions are not), so the same
  // seed gives the same input everywhere.
  std::mt19937_64 rng(options.seed * 1000003u + static_cast<uint64_t>(sample));
  std::vector<int64_t> block;
  for (int k = 0; k < options.block_length; ++k) {
    if (pool.size() > static_cast<size_t>(k)) {  // partial Fisher-Yates: distinct tokens
      const size_t pick = static_cast<size_t>(k) + static_cast<size_t>(rng() % (pool.size() - static_cast<size_t>(k)));
      std::swap(pool[static_cast<size_t>(k)], pool[pick]);
      block.push_back(pool[static_cast<size_t>(k)]);
    } else {
      block.push_back(pool[static_cast<size_t>(rng() % pool.size())]);
    }
  }
  for (int rep = 0; rep < 2; ++rep) in.ids.insert(in.ids.end(), block.begin(), block.end());
  return in;
}

std::vector<float> induction_scores(const AttentionMaps& maps, int block_start, int block_length) {
  check_attention_maps(maps, "induction score");
  if (block_start < 0 || block_length < 2 || block_start + 2 * block_length > maps.seq_len)
    fail(ErrorKind::Usage, "induction score: two blocks of " + std::to_string(block_length) + " tokens from position " +
                               std::to_string(block_start) + " do not fit in " + std::to_string(maps.seq_len) + " tokens");
  const int H = maps.num_heads;
  std::vector<float> out(maps.layers.size() * static_cast<size_t>(H));
  RowMatrix scratch;  // float16 maps: the head converted
  for (size_t l = 0; l < maps.layers.size(); ++l)
    for (int h = 0; h < H; ++h) {
      const ConstMatrixMap a = maps.head_f32(maps.layers[l], h, scratch);
      double sum = 0;
      for (int q = block_start + block_length; q < block_start + 2 * block_length; ++q) sum += a(q, q - block_length + 1);
      out[l * static_cast<size_t>(H) + static_cast<size_t>(h)] = static_cast<float>(sum / block_length);
    }
  return out;
}

InductionResult run_induction(const Model& model, const Tokenizer& tokenizer, const InductionOptions& options,
                              const ProgressFn& progress) {
  const ModelInfo& mi = model.info();
  if (!mi.causal) fail(ErrorKind::Usage, "induction scores need a causal (decoder) model; " + mi.model_type + " is not");
  if (options.samples < 1) fail(ErrorKind::Usage, "induction: at least one sample is needed");
  const int64_t vocab = std::min<int64_t>(tokenizer.vocab_size(), mi.vocab_size > 0 ? mi.vocab_size : tokenizer.vocab_size());
  InductionResult r;
  ForwardOptions fo;
  fo.layers = options.layers;
  fo.logits = LogitsMode::None;
  fo.threads = options.threads;
  for (int s = 0; s < options.samples; ++s) {
    InductionInput in = induction_input(tokenizer, vocab, options, s);
    if (mi.max_positions > 0 && in.ids.size() > static_cast<size_t>(mi.max_positions))
      fail(ErrorKind::Usage, "induction: " + std::to_string(in.ids.size()) + " tokens exceed the model's limit of " +
                                 std::to_string(mi.max_positions));
    ForwardInput fi;
    fi.input_ids = in.ids;
    const int L = mi.num_layers;
    const ForwardResult f = model.forward(fi, fo, [&](const Progress& p) {
      return report(progress, s * L + p.done, options.samples * L,
                    "induction: sequence " + std::to_string(s + 1) + "/" + std::to_string(options.samples));
    });
    if (f.cancelled) {
      InductionResult c;
      c.cancelled = true;
      return c;
    }
    const std::vector<float> scores = induction_scores(f.attentions, in.block_start, in.block_length);
    if (r.scores.empty()) {
      r.layers = f.attentions.layers;
      r.num_heads = f.attentions.num_heads;
      r.scores.assign(scores.size(), 0.0f);
    }
    for (size_t i = 0; i < scores.size(); ++i) r.scores[i] += scores[i] / static_cast<float>(options.samples);
    r.inputs.push_back(std::move(in));
  }
  return r;
}

}  // namespace attnscope
