#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/common/progress.h"
#include "core/models/model.h"
#include "core/pipeline/analyzer.h"

namespace attnscope {

// How the next token is chosen from the logits z: greedy (temperature 0) takes the first argmax;
// otherwise, in Hugging Face's order, z / temperature, keep the top_k largest (0 = all), softmax,
// keep the smallest set of most probable tokens whose probability reaches top_p (1 = all),
// renormalise and draw with a 64-bit Mersenne Twister seeded with `seed` (same seed, same tokens).
struct SamplingOptions {
  double temperature = 0;
  int top_k = 0;
  double top_p = 1;
  uint64_t seed = 0;
  bool greedy() const { return temperature <= 0; }
};

struct GenerationOptions {
  int max_new_tokens = 20;
  SamplingOptions sampling;
  int candidates = 10;           // most probable next tokens recorded per step
  bool stop_at_eos = true;       // stop after generating one of the stop ids
  std::vector<int64_t> stop_ids; // empty: ModelInfo::eos_ids
  std::vector<int> layers;       // layers whose attention rows are kept; empty = all
  int threads = 0;
};

// Step s produced token s: the model had read the prompt and the tokens of steps 1..s-1
// (`context` tokens), and its last position's query attended over all of them.
struct GenerationStep {
  int64_t token = 0;
  float probability = 0;               // of `token` under softmax(logits), the model's own distribution
  int context = 0;                     // tokens attended over
  std::vector<Prediction> candidates;  // the most probable next tokens, softmax(logits) (label unset)
  std::vector<float> attention;        // [layers.size(), num_heads, context]: the last query's rows
};

enum class StopReason { MaxNewTokens, Eos, ContextFull, Cancelled };
const char* to_string(StopReason r);

struct Generation {
  std::vector<int64_t> prompt_ids;
  std::vector<int64_t> generated;   // one per step
  std::vector<GenerationStep> steps;
  AttentionMaps prompt_attention;   // the prompt's own run, [layers, H, P, P]
  std::vector<int> layers;          // captured layers, ascending
  int num_heads = 0;
  SamplingOptions sampling;
  StopReason stop = StopReason::MaxNewTokens;
  bool cancelled() const { return stop == StopReason::Cancelled; }
  double seconds = 0;

  std::vector<int64_t> sequence() const;  // prompt_ids then generated
  // Step `s`'s row of layer slot `slot`, head `head`: [context] weights.
  const float* row(size_t s, int slot, int head) const;
};

// Generates up to options.max_new_tokens tokens after `prompt_ids` with a KV cache: one run over
// the prompt, then one token's run per step. Stops early after an eos id (kept as the last token),
// when the next token would not fit the model's positions, or when `progress` (called before each
// step, "token s/N") returns false; the steps made so far are kept (stop = Cancelled). Throws
// Error(Usage) for a model without a KV cache (not a causal LM) or bad options, Error(Input) for an
// empty or too long prompt.
Generation generate(const Model& model, const std::vector<int64_t>& prompt_ids, const GenerationOptions& options,
                    const ProgressFn& progress = {});

// The token chosen from logits [n] by `sampling`; `rng` (seeded with sampling.seed) is drawn from
// once per sampled token and not at all when greedy.
int64_t choose_token(const float* logits, int64_t n, const SamplingOptions& sampling, std::mt19937_64& rng);

}  // namespace attnscope
