#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/analysis/token_roles.h"
#include "core/models/attention_maps.h"

namespace attnscope {

// Per-head statistics, each the mean over the query rows i of one head's attention p = A[i][.]:
//   entropy             H_i = -Σ_j p_j ln p_j (nats; 0 ln 0 = 0)
//   entropy_normalized  H_i / ln(n_i), n_i = keys row i may attend to (i + 1 for causal models,
//                       else S); rows with n_i = 1 (a causal model's first token) are left out
//   mean_distance       Σ_j p_j d(i, j). Text: d = |i - j| in tokens, over all rows. Images
//                       (roles.patches set): patch queries only, the attention renormalised over
//                       the patch keys, d = patch_size * Euclidean distance between the patch
//                       centres in pixels of the model input -- the "mean attention distance" of
//                       Dosovitskiy et al. 2021 (ViT), §4.5 / Fig. 7
//   special_mass        Σ_{j special} p_j (roles.special: [CLS], [SEP], BOS, <s>, </s>, image prefix)
//   sink_mass           p_0, over rows i >= 1: the first token, which collects weight whatever it is
//                       (the "attention sink" of Xiao et al. 2024, StreamingLLM); differs from
//                       special_mass where the first token is not special (GPT-2 without BOS) or
//                       other tokens are
//   previous_token      p_{i-1}, over rows i >= 1 (Elhage et al. 2021, "A Mathematical Framework
//                       for Transformer Circuits": previous-token heads)
//   self                p_i (the diagonal)
//   induction           from induction_scores() on a repeated random sequence; causal models only
struct HeadStats {
  int layer = 0;
  int head = 0;
  double entropy = 0;
  double entropy_normalized = 0;
  double mean_distance = 0;
  double special_mass = 0;
  double sink_mass = 0;
  double previous_token = 0;
  double self = 0;
  std::optional<double> induction;
};

// The statistic called `name` (entropy, entropy_normalized, mean_distance, special_mass,
// sink_mass, previous_token, self, induction) of `s`: NaN for an unknown name or an induction score not computed.
double head_stat_value(const HeadStats& s, std::string_view name);
// Sets the statistic `name` (not induction) of `s`; false for an unknown name.
bool set_head_stat_value(HeadStats& s, std::string_view name, double value);
// The statistics of one input, by name, in the order of the CSV columns (induction, a property of
// the model rather than of an input, is not among them).
inline constexpr const char* kInputStatistics[] = {"entropy",   "entropy_normalized", "mean_distance", "special_mass",
                                                   "sink_mass", "previous_token",     "self"};

// One entry per captured (layer, head), layer-major. roles.special must have one entry per token.
std::vector<HeadStats> head_statistics(const AttentionMaps& maps, const TokenRoles& roles);

// Fills HeadStats::induction from `scores` [layers.size(), H] of the model layers `layers`.
void set_induction_scores(std::vector<HeadStats>& stats, const std::vector<int>& layers, const std::vector<float>& scores,
                          int num_heads);

// CSV with the header layer,head,entropy,entropy_normalized,mean_distance,special_mass,
// sink_mass,previous_token,self,induction (induction empty when not computed); numbers in shortest
// round-trip form.
std::string head_stats_csv(const std::vector<HeadStats>& stats);
// The same rows as an array of objects (induction null when not computed).
nlohmann::ordered_json head_stats_json(const std::vector<HeadStats>& stats);

}  // namespace attnscope
