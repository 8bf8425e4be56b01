// Head statistics and induction scores: against values computed here from the golden attentions,
// and on hand-built attention patterns.
#include <cmath>
#include <set>

#include <gtest/gtest.h>

#include "core/analysis/head_stats.h"
#include "core/analysis/induction.h"
#include "core/common/error.h"
#include "core/io/safetensors.h"
#include "core/pipeline/analyzer.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
using attnscope::test::builtin_model;
using attnscope::test::shared;

namespace {

AttentionMaps maps_from(const Tensor& t) {
  AttentionMaps m;
  m.allocate(static_cast<int>(t.dim(0)), static_cast<int>(t.dim(1)), static_cast<int>(t.dim(2)), {});
  m.data = t.data;
  return m;
}

// The statistics of head (l, h) straight from the definitions, on the flat [L, H, S, S] array.
struct Expected {
  double entropy = 0, entropy_normalized = 0, distance = 0, previous = 0, self = 0, special = 0;
};
Expected expected_stats(const Tensor& att, int l, int h, const std::vector<int64_t>& ids) {
  const int64_t H = att.dim(1), S = att.dim(2);
  auto p = [&](int64_t i, int64_t j) { return static_cast<double>(att.data[static_cast<size_t>(((l * H + h) * S + i) * S + j)]); };
  Expected e;
  for (int64_t i = 0; i < S; ++i) {
    double row_entropy = 0;
    for (int64_t j = 0; j <= i; ++j) {  // causal: keys 0..i
      if (p(i, j) > 0) row_entropy += -p(i, j) * std::log(p(i, j));
      e.distance += p(i, j) * static_cast<double>(i - j);
      if (ids[static_cast<size_t>(j)] == 1) e.special += p(i, j);  // <s> (golden README: BOS = 1)
    }
    e.entropy += row_entropy;
    if (i > 0) e.entropy_normalized += row_entropy / std::log(static_cast<double>(i + 1));
    if (i > 0) e.previous += p(i, i - 1);
    e.self += p(i, i);
  }
  e.entropy /= S;
  e.entropy_normalized /= S - 1;
  e.distance /= S;
  e.previous /= S - 1;
  e.self /= S;
  e.special /= S;
  return e;
}

}  // namespace

TEST(AnalysisStats, MatchDefinitionsOnLlamaGoldens) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto analyzer = Analyzer::open(builtin_model("stories260K"));
  for (const char* name : {"01_cat_mat", "02_attention", "03_long"}) {
    SafetensorsFile g(shared(std::string("golden/stories260K/") + name + ".safetensors").string());
    const Tensor att = g.tensor("attentions");
    const std::vector<int64_t> ids = g.ints("input_ids");

    AnalysisRequest req;
    req.text = g.metadata().at("text");
    const Analysis a = analyzer->run(req);
    const TokenRoles roles = text_token_roles(a.encoding, a.model.causal);
    ASSERT_TRUE(roles.causal);
    for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(roles.special[i], ids[i] == 1 ? 1 : 0) << i;

    const std::vector<HeadStats> on_golden = head_statistics(maps_from(att), roles);
    const std::vector<HeadStats> on_run = head_statistics(a.forward.attentions, roles);
    ASSERT_EQ(on_golden.size(), 40u);
    ASSERT_EQ(on_run.size(), 40u);
    double worst_run = 0;
    for (size_t k = 0; k < on_golden.size(); ++k) {
      const HeadStats& s = on_golden[k];
      EXPECT_EQ(s.layer, static_cast<int>(k / 8));
      EXPECT_EQ(s.head, static_cast<int>(k % 8));
      const Expected e = expected_stats(att, s.layer, s.head, ids);
      EXPECT_NEAR(s.entropy, e.entropy, 1e-9) << name << " " << k;
      EXPECT_NEAR(s.entropy_normalized, e.entropy_normalized, 1e-9) << name << " " << k;
      EXPECT_NEAR(s.mean_distance, e.distance, 1e-9) << name << " " << k;
      EXPECT_NEAR(s.previous_token, e.previous, 1e-9) << name << " " << k;
      EXPECT_NEAR(s.self, e.self, 1e-9) << name << " " << k;
      EXPECT_NEAR(s.special_mass, e.special, 1e-9) << name << " " << k;
      EXPECT_FALSE(s.induction.has_value());
      // Our own forward pass: attentions within 1e-5 of the golden, so the statistics are close.
      const HeadStats& r = on_run[k];
      for (double d : {r.entropy - e.entropy, r.entropy_normalized - e.entropy_normalized, r.mean_distance - e.distance,
                       r.previous_token - e.previous, r.self - e.self, r.special_mass - e.special})
        worst_run = std::max(worst_run, std::fabs(d));
    }
    EXPECT_LE(worst_run, 1e-4) << name;
    std::cout << name << ": statistics of the C++ forward pass within " << worst_run << " of the golden-derived values\n";
  }
}

TEST(AnalysisStats, HandBuiltHeads) {
  // Four tokens, not causal; token 0 special. Head 0 attends to the previous token (token 0 to
  // itself); head 1 uniformly.
  AttentionMaps m;
  m.allocate(1, 2, 4, {});
  for (int i = 0; i < 4; ++i) {
    m.head(0, 0)(i, std::max(i - 1, 0)) = 1;
    for (int j = 0; j < 4; ++j) m.head(0, 1)(i, j) = .25f;
  }
  TokenRoles roles;
  roles.special = {1, 0, 0, 0};
  const auto s = head_statistics(m, roles);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_NEAR(s[0].previous_token, 1.0, 1e-12);
  EXPECT_NEAR(s[0].self, .25, 1e-12);            // only token 0 attends to itself
  EXPECT_NEAR(s[0].entropy, 0, 1e-12);
  EXPECT_NEAR(s[0].mean_distance, .75, 1e-12);   // (0 + 1 + 1 + 1) / 4
  EXPECT_NEAR(s[0].special_mass, .5, 1e-12);     // rows 0 and 1 attend to token 0
  EXPECT_NEAR(s[0].sink_mass, 1.0 / 3, 1e-12);   // of rows 1..3 only row 1 attends to token 0
  EXPECT_NEAR(s[1].entropy, std::log(4.0), 1e-6);
  EXPECT_NEAR(s[1].entropy_normalized, 1.0, 1e-6);
  EXPECT_NEAR(s[1].mean_distance, 1.25, 1e-6);   // rows' Σ|i-j| = 6, 4, 4, 6, each / 4, mean over 4 rows
  EXPECT_NEAR(s[1].special_mass, .25, 1e-6);
  EXPECT_NEAR(s[1].sink_mass, .25, 1e-6);
  // Not the special mass when the first token is not special.
  roles.special = {0, 0, 0, 1};
  EXPECT_NEAR(head_statistics(m, roles)[0].special_mass, 0, 1e-12);
  EXPECT_NEAR(head_statistics(m, roles)[0].sink_mass, 1.0 / 3, 1e-12);
  roles.special = {1, 0, 0, 0};
  EXPECT_NEAR(s[1].previous_token, .25, 1e-6);

  const std::string csv = head_stats_csv(s);
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "layer,head,entropy,entropy_normalized,mean_distance,special_mass,sink_mass,previous_token,self,induction");
  EXPECT_EQ(csv.substr(csv.find('\n') + 1, 4), "0,0,");
  EXPECT_EQ(csv.back(), '\n');
  EXPECT_EQ(csv[csv.size() - 2], ',');  // no induction score: empty last column
  roles.special = {1, 0};
  EXPECT_THROW(head_statistics(m, roles), Error);
}

TEST(AnalysisStats, ImageMeanDistanceIsInPixelsOverPatches) {
  // CLS + a 2 x 2 grid of 16-pixel patches; every token attends half to CLS, half uniformly over
  // the patches. Renormalised over the patch keys each patch sees distances 0, 1, 1, √2 patches:
  // mean distance = 16 (2 + √2) / 4 pixels.
  const PatchGrid grid{1, 2, 2, 16};
  AttentionMaps m;
  m.allocate(1, 1, 5, {});
  for (int i = 0; i < 5; ++i) {
    m.head(0, 0)(i, 0) = .5f;
    for (int j = 1; j < 5; ++j) m.head(0, 0)(i, j) = .125f;
  }
  const TokenRoles roles = image_token_roles(grid, 5);
  EXPECT_EQ(roles.special, (std::vector<uint8_t>{1, 0, 0, 0, 0}));
  const auto s = head_statistics(m, roles);
  EXPECT_NEAR(s[0].mean_distance, 16 * (2 + std::sqrt(2.0)) / 4, 1e-5);
  EXPECT_NEAR(s[0].special_mass, .5, 1e-6);
  EXPECT_THROW(image_token_roles(grid, 6), Error);

  RowMatrix full = m.head(0, 0);
  const RowMatrix heat = patch_map(full, 0, grid);
  EXPECT_EQ(heat.rows(), 2);
  EXPECT_EQ(heat.cols(), 2);
  EXPECT_FLOAT_EQ(heat(1, 1), .125f);
}

TEST(AnalysisInduction, HandBuiltInductionHeadScoresHighAndUniformNearZero) {
  // BOS + a 50-token block repeated. Head 0: from every token of the second block, all attention
  // on the token after the previous occurrence (q - 50 + 1); elsewhere on itself. Head 1: uniform
  // causal attention. Head 2: previous-token head.
  const int N = 50, S = 1 + 2 * N;
  AttentionMaps m;
  m.allocate(1, 3, S, {});
  for (int q = 0; q < S; ++q) {
    m.head(0, 0)(q, q >= 1 + N ? q - N + 1 : q) = 1;
    for (int k = 0; k <= q; ++k) m.head(0, 1)(q, k) = 1.0f / static_cast<float>(q + 1);
    m.head(0, 2)(q, std::max(q - 1, 0)) = 1;
  }
  const std::vector<float> s = induction_scores(m, 1, N);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_FLOAT_EQ(s[0], 1.0f);
  EXPECT_GT(s[0], 0.3f);
  double uniform = 0;  // Σ_{q = 51}^{100} 1 / (q + 1) / 50
  for (int q = 1 + N; q < S; ++q) uniform += 1.0 / (q + 1) / N;
  EXPECT_NEAR(s[1], uniform, 1e-6);
  EXPECT_LT(s[1], 0.02f);
  EXPECT_EQ(s[2], 0.0f);
  EXPECT_THROW(induction_scores(m, 2, N), Error);  // the blocks would run past the end
}

TEST(AnalysisInduction, GeneratedInputIsTwoCopiesOfARandomBlockAfterBos) {
  auto analyzer = Analyzer::open(builtin_model("stories260K"));
  const Tokenizer& tok = *analyzer->tokenizer();
  InductionOptions o;
  o.block_length = 40;
  const InductionInput a = induction_input(tok, 512, o, 0), b = induction_input(tok, 512, o, 0), c = induction_input(tok, 512, o, 1);
  EXPECT_EQ(a.ids, b.ids);
  EXPECT_NE(a.ids, c.ids);
  ASSERT_EQ(a.ids.size(), 81u);
  EXPECT_EQ(a.ids[0], 1);  // <s>
  EXPECT_EQ(a.block_start, 1);
  std::set<int64_t> distinct;
  for (int k = 0; k < 40; ++k) {
    EXPECT_EQ(a.ids[static_cast<size_t>(1 + k)], a.ids[static_cast<size_t>(41 + k)]);
    EXPECT_FALSE(tok.is_special(a.ids[static_cast<size_t>(1 + k)]));
    distinct.insert(a.ids[static_cast<size_t>(1 + k)]);
  }
  EXPECT_EQ(distinct.size(), 40u);
}

TEST(AnalysisInduction, RunsOnStories260K) {
  auto analyzer = Analyzer::open(builtin_model("stories260K"));
  InductionOptions o;
  const InductionResult r = run_induction(analyzer->model(), *analyzer->tokenizer(), o);
  ASSERT_FALSE(r.cancelled);
  ASSERT_EQ(r.scores.size(), 40u);
  ASSERT_EQ(r.inputs.size(), 4u);
  // The scores are the mean of induction_scores() over forward passes of the generated inputs.
  std::vector<double> mean(40, 0.0);
  for (const auto& in : r.inputs) {
    ASSERT_EQ(in.ids.size(), 101u);
    ForwardInput fi;
    fi.input_ids = in.ids;
    const ForwardResult f = analyzer->model().forward(fi, ForwardOptions{});
    const std::vector<float> s = induction_scores(f.attentions, in.block_start, in.block_length);
    for (size_t k = 0; k < 40; ++k) mean[k] += s[k] / 4.0;
  }
  float best = 0;
  int best_k = 0;
  for (size_t k = 0; k < 40; ++k) {
    EXPECT_GE(r.scores[k], 0.0f);
    EXPECT_LE(r.scores[k], 1.0f);
    EXPECT_NEAR(r.scores[k], mean[k], 1e-6) << k;
    if (r.scores[k] > best) best = r.scores[k], best_k = static_cast<int>(k);
  }
  std::cout << "stories260K: strongest induction head L" << best_k / 8 << "H" << best_k % 8 << " score " << best
            << "\n";

  std::vector<HeadStats> stats(40);
  for (int k = 0; k < 40; ++k) stats[static_cast<size_t>(k)].layer = k / 8, stats[static_cast<size_t>(k)].head = k % 8;
  set_induction_scores(stats, r.layers, r.scores, r.num_heads);
  EXPECT_FLOAT_EQ(static_cast<float>(*stats[static_cast<size_t>(best_k)].induction), best);

  // Cancelling stops the run.
  const InductionResult c = run_induction(analyzer->model(), *analyzer->tokenizer(), o, [](const Progress&) { return false; });
  EXPECT_TRUE(c.cancelled);
  EXPECT_TRUE(c.scores.empty());
}
