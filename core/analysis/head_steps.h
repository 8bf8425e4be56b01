#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/common/tensor.h"
#include "core/models/attention_internals.h"

namespace attnscope {

// Inside one head: softmax(q K^T / sqrt(d_k)) V for one query token, step by step, from the
// internals a forward pass captured (ForwardOptions::capture_internals, attention_internals.h),
// and the same q and K weighted by other scoring functions for comparison. Pure functions: no
// model is run.
//
// Scoring functions s_j of query q against key k_j, each turned into weights by
//   w_j = exp(s_j / T) / Σ_{allowed l} exp(s_l / T)   (allowed keys only; masked keys get 0)
// with temperature T > 0 (T < 1 sharpens, T > 1 flattens; T = scale'/scale rescales the divisor):
//   ScaledDot           s_j = (q . k_j) / D: the model's own scaling (D = scale_divisor, usually
//                       sqrt(d_k); DistilBERT computes (q / D) . k_j in float32 first). At T = 1
//                       these are the model's attention weights.
//   Dot                 s_j = q . k_j, unscaled: what the sqrt(d_k) prevents (near one-hot
//                       weights once q . k grows with d_k)
//   Cosine              s_j = q . k_j / (|q| |k_j|) in [-1, 1] (0 when either norm is 0): the
//                       magnitudes removed; at T = 1 nearly uniform, T ~ 0.1 shows its ranking
//   NegSquaredDistance  s_j = -|q - k_j|^2 = 2 q . k_j - |q|^2 - |k_j|^2: nearest key wins;
//                       differs from Dot by the key norms (|q|^2 is the same for all keys)
// Entropies are in nats: H = -Σ_j w_j ln w_j (0 ln 0 = 0), at most ln(number of allowed keys).
enum class ScoreFunction { ScaledDot, Dot, Cosine, NegSquaredDistance };

// "scaled_dot", "dot", "cosine", "neg_squared_distance".
const char* to_string(ScoreFunction f);

struct KeyScoring {
  ScoreFunction function = ScoreFunction::ScaledDot;
  double temperature = 1;          // T > 0, finite
  double scale_divisor = 1;        // ScaledDot: D
  bool scale_query_first = false;  // ScaledDot: (q / D) . k_j with q / D rounded to float32
};

// One distribution over the keys.
struct Weighting {
  ScoreFunction function = ScoreFunction::ScaledDot;
  double temperature = 1;
  std::vector<double> scores;   // [S] s_j before the temperature (also for masked keys)
  std::vector<double> weights;  // [S] softmax(s / T) over the allowed keys; masked keys 0
  double entropy = 0;           // nats
  std::vector<double> output;   // [d] Σ_j w_j v_j: the head output these weights would give
};

// Precision: ScaledDot follows the model's float32 arithmetic (layers::self_attention: the
// scores in float32, the softmax in float32 in the same order), so that its weights are the
// model's; the other functions are computed in double. explain_head() takes the ScaledDot scores
// from the same float32 matrix product the model computes (the whole head's [S, S] product, run
// unsplit as in the model), which made its weights equal the captured attention rows bit for bit
// in every case tested (all seven shared models); score_keys() forms one query's scores as a fused
// multiply-add chain, whose weights agree with those to about 1e-6.

// s_j of query `q` [d] against every row of `keys` [S, d] (no temperature).
std::vector<double> score_keys(const std::vector<float>& q, const RowMatrix& keys, const KeyScoring& scoring);

// softmax(scores / temperature) over the allowed keys, its entropy and Σ_j w_j v_j over the rows
// of `values` [S, d]. allowed: [S], 1 = key may be attended; if no key is allowed every key gets
// 1/S. For the GUI's temperature slider: weigh_scores(f, steps.scaled_scores (or an
// alternative's scores), steps.mask, steps.values, T) -- no matrix product needed. Throws
// Error(Usage) for mismatched sizes or a temperature that is not finite and > 0.
Weighting weigh_scores(ScoreFunction function, std::vector<double> scores, const std::vector<uint8_t>& allowed,
                       const RowMatrix& values, double temperature);

// score_keys() then weigh_scores().
Weighting weigh_keys(const std::vector<float>& q, const RowMatrix& keys, const RowMatrix& values,
                     const std::vector<uint8_t>& allowed, const KeyScoring& scoring);

// softmax(scores / T) over the entries with allowed[j] != 0, computed in double with the max
// subtracted (as the model does in float32); the others are 0.
std::vector<double> masked_softmax(const std::vector<double>& scores, const std::vector<uint8_t>& allowed,
                                   double temperature);
// -Σ w ln w in nats, over w > 0.
double entropy_nats(const std::vector<double>& weights);

struct ExplainOptions {
  int head = 0;
  int query = 0;                 // query token (row of the attention matrix)
  double temperature = 1;        // of `alternatives` (not of HeadSteps::weights)
  std::vector<ScoreFunction> alternatives = {ScoreFunction::ScaledDot, ScoreFunction::Dot, ScoreFunction::Cosine,
                                             ScoreFunction::NegSquaredDistance};
};

// The steps of softmax(q K^T / D) V for one (layer, head, query). Vectors are indexed by key
// token j = 0..S-1 (masked keys included, with mask[j] = 0); q, keys, values are the captured
// float32 values, the rest is computed in double.
struct HeadSteps {
  int layer = 0;
  int head = 0;
  int kv_head = 0;              // the key/value head this head reads (grouped-query attention)
  int query = 0;
  int seq_len = 0;
  int head_dim = 0;
  double scale_divisor = 1;     // D of the model (LayerInternals::scale_divisor)
  bool scale_query_first = false;
  bool causal = false;
  int window = 0;               // sliding window of W keys (LayerInternals::window), 0 = none
  double softcap = 0;           // > 0: scaled_scores are soft-capped, cap * tanh(s / cap)
  std::vector<double> position_bias;  // T5: [S] the relative position bias added to the scaled scores

  std::vector<float> q;         // [d] query vector of token `query` (after RoPE for Llama)
  RowMatrix keys;               // [S, d] K of kv_head
  RowMatrix values;             // [S, d] V of kv_head
  std::vector<uint8_t> mask;    // [S] 1 = key j may be attended (causal: j <= query; not padding)
  std::vector<double> raw_scores;     // [S] q . k_j (float32 product, as the model)
  std::vector<double> scaled_scores;  // [S] the model's scaled scores (q . k_j / D, or (q / D) . k_j),
                                      //     soft-capped when softcap > 0, plus position_bias (T5)
  std::vector<double> weights;        // [S] softmax of scaled_scores over the allowed keys (float32,
                                      //     as the model): the attention row [layer][head][query]
  double entropy = 0;                 // of `weights`, nats
  std::vector<double> output;         // [d] Σ_j weights_j v_j: the head's context vector
  double temperature = 1;             // of the alternatives
  std::vector<Weighting> alternatives;  // ExplainOptions::alternatives, in that order
};

// Throws Error(Usage) for a head or query out of range or a bad temperature.
HeadSteps explain_head(const LayerInternals& layer, const ExplainOptions& options);
// The captured `layer` of `internals`; Error(Usage) if it was not captured.
HeadSteps explain_head(const AttentionInternals& internals, int layer, const ExplainOptions& options);

// Every field of `steps` as JSON (keys/values as [S][d] arrays, masks as 0/1, floats in their
// shortest round-trip form); the CLI's `explain` output adds the model and input around it.
nlohmann::ordered_json head_steps_json(const HeadSteps& steps);

}  // namespace attnscope
