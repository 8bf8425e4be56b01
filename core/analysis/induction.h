#pragma once

#include <cstdint>
#include <vector>

#include "core/common/progress.h"
#include "core/models/attention_maps.h"
#include "core/models/model.h"
#include "core/tokenizers/tokenizer.h"

namespace attnscope {

// Induction heads (Olsson et al. 2022, "In-context Learning and Induction Heads"; the prefix
// matching score of Elhage et al. 2021): on a sequence [prefix] t_1..t_N t_1..t_N of random
// tokens, a head that attends from the second t_k to the token that followed its previous
// occurrence (t_{k+1} of the first block) is doing induction. Score per head:
//   induction = (1/N) Σ_{q in second block} A[q][q - N + 1]
// (q - N is the previous occurrence of the token at q). 1 for a perfect induction head, about
// 1/(q+1) for uniform causal attention.
struct InductionOptions {
  int block_length = 50;    // N; the input is prefix + 2N tokens
  int samples = 4;          // random sequences, scores averaged
  uint64_t seed = 0;
  std::vector<int> layers;  // layers to score; empty = all
  int threads = 0;
};

// [prefix] block block: `prefix` is the tokenizer template's leading special tokens (BOS <s> for
// Llama, none for GPT-2); the block holds N distinct random ids (drawn without replacement if
// the vocabulary allows) that are not special tokens. Deterministic for a (seed, sample).
struct InductionInput {
  std::vector<int64_t> ids;
  int block_start = 0;
  int block_length = 0;
};
InductionInput induction_input(const Tokenizer& tokenizer, int64_t vocab_size, const InductionOptions& options, int sample);

// The score of every captured (layer, head) on attention computed over an induction input:
// [maps.layers.size() * H], layer-major. Throws Error(Usage) if the blocks do not fit.
std::vector<float> induction_scores(const AttentionMaps& maps, int block_start, int block_length);

struct InductionResult {
  bool cancelled = false;
  std::vector<int> layers;     // model layers scored
  int num_heads = 0;
  std::vector<float> scores;   // [layers.size() * num_heads], averaged over the samples
  std::vector<InductionInput> inputs;
};

// Generates the inputs and runs the model on them. Throws Error(Usage) for a non-causal model
// or an input longer than the model's limit.
InductionResult run_induction(const Model& model, const Tokenizer& tokenizer, const InductionOptions& options,
                              const ProgressFn& progress = {});

}  // namespace attnscope
