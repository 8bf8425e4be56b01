#include "core/analysis/head_stats.h"

#include <cmath>
#include <limits>

#include "core/analysis/fusion.h"
#include "core/common/error.h"
#include "core/common/text.h"

namespace attnscope {

namespace {

HeadStats one_head(ConstMatrixMap a, const TokenRoles& roles) {
  const int S = static_cast<int>(a.rows());
  HeadStats s;
  int normalized_rows = 0;
  for (int i = 0; i < S; ++i) {
    double h = 0, special = 0;
    for (int j = 0; j < S; ++j) {
      const double p = a(i, j);
      if (p > 0) h -= p * std::log(p);
      if (roles.special[static_cast<size_t>(j)]) special += p;
    }
    s.entropy += h;
    const int n = roles.causal ? i + 1 : S;
    if (n > 1) {
      s.entropy_normalized += h / std::log(static_cast<double>(n));
      ++normalized_rows;
    }
    s.special_mass += special;
    s.self += a(i, i);
    if (i > 0) s.previous_token += a(i, i - 1), s.sink_mass += a(i, 0);
  }
  s.entropy /= S;
  s.special_mass /= S;
  s.self /= S;
  if (normalized_rows > 0) s.entropy_normalized /= normalized_rows;
  if (S > 1) s.previous_token /= S - 1, s.sink_mass /= S - 1;

  if (roles.patches) {
    const PatchGrid& g = *roles.patches;
    const int P = g.prefix_tokens;
    for (int qi = 0; qi < g.patches(); ++qi) {
      double weighted = 0, mass = 0;
      for (int kj = 0; kj < g.patches(); ++kj) {
        const double p = a(P + qi, P + kj);
        const double dr = qi / g.cols - kj / g.cols, dc = qi % g.cols - kj % g.cols;
        weighted += p * std::sqrt(dr * dr + dc * dc);
        mass += p;
      }
      if (mass > 0) s.mean_distance += g.patch_size * weighted / mass;
    }
    if (g.patches() > 0) s.mean_distance /= g.patches();
  } else {
    for (int i = 0; i < S; ++i)
      for (int j = 0; j < S; ++j) s.mean_distance += static_cast<double>(a(i, j)) * std::abs(i - j);
    s.mean_distance /= S;
  }
  return s;
}

}  // namespace

namespace {

// The field of the statistic `name`, or null (induction is optional and kept apart).
template <typename Stats>
auto stat_field(Stats& s, std::string_view name) -> decltype(&s.entropy) {
  if (name == "entropy") return &s.entropy;
  if (name == "entropy_normalized") return &s.entropy_normalized;
  if (name == "mean_distance") return &s.mean_distance;
  if (name == "special_mass") return &s.special_mass;
  if (name == "sink_mass") return &s.sink_mass;
  if (name == "previous_token") return &s.previous_token;
  if (name == "self") return &s.self;
  return nullptr;
}

}  // namespace

double head_stat_value(const HeadStats& s, std::string_view name) {
  if (const double* v = stat_field(s, name)) return *v;
  if (name == "induction" && s.induction) return *s.induction;
  return std::numeric_limits<double>::quiet_NaN();
}

bool set_head_stat_value(HeadStats& s, std::string_view name, double value) {
  double* v = stat_field(s, name);
  if (v) *v = value;
  return v != nullptr;
}

std::vector<HeadStats> head_statistics(const AttentionMaps& maps, const TokenRoles& roles) {
  check_attention_maps(maps, "head statistics");
  if (roles.seq_len() != maps.seq_len)
    fail(ErrorKind::Usage, "head statistics: " + std::to_string(roles.seq_len()) + " token roles for " +
                               std::to_string(maps.seq_len) + " tokens");
  if (roles.patches && roles.patches->seq_len() != maps.seq_len)
    fail(ErrorKind::Usage, "head statistics: the patch grid does not match " + std::to_string(maps.seq_len) + " tokens");
  const int H = maps.num_heads;
  const int n = static_cast<int>(maps.layers.size()) * H;
  std::vector<HeadStats> out(static_cast<size_t>(n));
#pragma omp parallel for schedule(dynamic)
  for (int m = 0; m < n; ++m) {
    const int layer = maps.layers[static_cast<size_t>(m / H)], head = m % H;
    HeadStats& s = out[static_cast<size_t>(m)];
    RowMatrix scratch;  // float16 maps: the head converted
    s = one_head(maps.head_f32(layer, head, scratch), roles);
    s.layer = layer;
    s.head = head;
  }
  return out;
}

void set_induction_scores(std::vector<HeadStats>& stats, const std::vector<int>& layers, const std::vector<float>& scores,
                          int num_heads) {
  for (auto& s : stats)
    for (size_t l = 0; l < layers.size(); ++l)
      if (layers[l] == s.layer && s.head < num_heads) s.induction = scores[l * static_cast<size_t>(num_heads) + static_cast<size_t>(s.head)];
}

std::string head_stats_csv(const std::vector<HeadStats>& stats) {
  std::string out = "layer,head,entropy,entropy_normalized,mean_distance,special_mass,sink_mass,previous_token,self,induction\n";
  for (const auto& s : stats) {
    out += std::to_string(s.layer) + "," + std::to_string(s.head);
    for (double v : {s.entropy, s.entropy_normalized, s.mean_distance, s.special_mass, s.sink_mass, s.previous_token, s.self}) {
      out += ",";
      out += shortest_number(v);
    }
    out += ",";
    if (s.induction) out += shortest_number(*s.induction);
    out += "\n";
  }
  return out;
}

nlohmann::ordered_json head_stats_json(const std::vector<HeadStats>& stats) {
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const auto& s : stats) {
    nlohmann::ordered_json r = {{"layer", s.layer},
                                {"head", s.head},
                                {"entropy", s.entropy},
                                {"entropy_normalized", s.entropy_normalized},
                                {"mean_distance", s.mean_distance},
                                {"special_mass", s.special_mass},
                                {"sink_mass", s.sink_mass},
                                {"previous_token", s.previous_token},
                                {"self", s.self}};
    r["induction"] = s.induction ? nlohmann::ordered_json(*s.induction) : nlohmann::ordered_json(nullptr);
    rows.push_back(r);
  }
  return rows;
}

}  // namespace attnscope
