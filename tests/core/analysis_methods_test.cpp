// Head fusion, rollout, attention flow, mass thresholds and display scales on hand-built maps:
// hand-computed values and the properties every method must keep.
#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <random>

#include <gtest/gtest.h>

#include "core/analysis/display_norm.h"
#include "core/analysis/flow.h"
#include "core/analysis/fusion.h"
#include "core/analysis/mass_threshold.h"
#include "core/analysis/rollout.h"
#include "core/common/error.h"

using namespace attnscope;

namespace {

// maps from nested lists [layer][head][query][key]
AttentionMaps maps_of(const std::vector<std::vector<std::vector<std::vector<float>>>>& v) {
  AttentionMaps m;
  m.allocate(static_cast<int>(v.size()), static_cast<int>(v[0].size()), static_cast<int>(v[0][0].size()), {});
  for (int l = 0; l < m.num_layers; ++l)
    for (int h = 0; h < m.num_heads; ++h)
      for (int i = 0; i < m.seq_len; ++i)
        for (int j = 0; j < m.seq_len; ++j) m.head(l, h)(i, j) = v[l][h][i][j];
  return m;
}

// softmax of random logits per row, with a causal mask if asked (exact zeros above the diagonal)
AttentionMaps random_maps(int L, int H, int S, bool causal, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> logit(0.0f, 2.0f);
  AttentionMaps m;
  m.allocate(L, H, S, {});
  for (int l = 0; l < L; ++l)
    for (int h = 0; h < H; ++h)
      for (int i = 0; i < S; ++i) {
        const int n = causal ? i + 1 : S;
        double sum = 0;
        std::vector<double> e(static_cast<size_t>(n));
        for (int j = 0; j < n; ++j) sum += e[static_cast<size_t>(j)] = std::exp(logit(rng));
        for (int j = 0; j < n; ++j) m.head(l, h)(i, j) = static_cast<float>(e[static_cast<size_t>(j)] / sum);
      }
  return m;
}

double worst_row_sum_error(const RowMatrix& m) {
  double worst = 0;
  for (Eigen::Index i = 0; i < m.rows(); ++i) worst = std::max(worst, std::fabs(m.row(i).cast<double>().sum() - 1.0));
  return worst;
}

float max_upper(const RowMatrix& m) {
  float worst = 0;
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (Eigen::Index j = i + 1; j < m.cols(); ++j) worst = std::max(worst, std::fabs(m(i, j)));
  return worst;
}

RowMatrix mat(std::initializer_list<std::initializer_list<double>> rows) {
  RowMatrix m(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(rows.begin()->size()));
  Eigen::Index i = 0;
  for (const auto& r : rows) {
    Eigen::Index j = 0;
    for (double v : r) m(i, j++) = static_cast<float>(v);
    ++i;
  }
  return m;
}

double max_diff(const RowMatrix& a, const RowMatrix& b) {
  EXPECT_EQ(a.rows(), b.rows());
  EXPECT_EQ(a.cols(), b.cols());
  if (a.rows() != b.rows() || a.cols() != b.cols()) return INFINITY;
  return (a.cast<double>() - b.cast<double>()).cwiseAbs().maxCoeff();
}

// The 3-token, 2-layer example worked out on paper below. Two heads per layer whose mean is
//   Ā_0 = [[0, .5, .5], [1, 0, 0], [0, 1, 0]]      Ā_1 = [[0, 0, 1], [.5, 0, .5], [0, .2, .8]]
AttentionMaps paper_example() {
  return maps_of({{{{0, 1, 0}, {1, 0, 0}, {0, 1, 0}}, {{0, 0, 1}, {1, 0, 0}, {0, 1, 0}}},
                  {{{0, 0, 1}, {1, 0, 0}, {0, .4f, .6f}}, {{0, 0, 1}, {0, 0, 1}, {0, 0, 1}}}});
}

}  // namespace

TEST(AnalysisFusion, MeanMaxMinAndHeadSubsetByHand) {
  // one layer, three heads, two tokens
  const AttentionMaps m = maps_of({{{{.5f, .5f}, {.2f, .8f}}, {{1, 0}, {.6f, .4f}}, {{.9f, .1f}, {.1f, .9f}}}});
  FusionOptions o;
  EXPECT_LE(max_diff(fuse_heads(m, 0, o), mat({{2.4 / 3, .6 / 3}, {.9 / 3, 2.1 / 3}})), 1e-6);
  o.method = HeadFusion::Max;  // max = [[1, .5], [.6, .9]], rows renormalised
  EXPECT_LE(max_diff(fuse_heads(m, 0, o), mat({{1 / 1.5, .5 / 1.5}, {.6 / 1.5, .9 / 1.5}})), 1e-6);
  o.renormalize = false;
  EXPECT_LE(max_diff(fuse_heads(m, 0, o), mat({{1, .5}, {.6, .9}})), 1e-6);
  o.method = HeadFusion::Min;  // min = [[.5, 0], [.1, .4]]
  EXPECT_LE(max_diff(fuse_heads(m, 0, o), mat({{.5, 0}, {.1, .4}})), 1e-6);
  o.renormalize = true;
  EXPECT_LE(max_diff(fuse_heads(m, 0, o), mat({{1, 0}, {.2, .8}})), 1e-6);
  o.method = HeadFusion::Mean;
  o.heads = {0, 2};
  EXPECT_LE(max_diff(fuse_heads(m, 0, o), mat({{.7, .3}, {.15, .85}})), 1e-6);
  o.heads = {3};
  EXPECT_THROW(fuse_heads(m, 0, o), Error);

  const Tensor all = fuse_layers(paper_example(), FusionOptions{});
  EXPECT_EQ(all.shape, (Shape{2, 3, 3}));
  EXPECT_LE(max_diff(all.matrix(1), mat({{0, 0, 1}, {.5, 0, .5}, {0, .2, .8}})), 1e-6);
}

TEST(AnalysisFusion, RowsStayStochasticAndCausalStaysLowerTriangular) {
  for (bool causal : {false, true}) {
    const AttentionMaps m = random_maps(3, 4, 9, causal, causal ? 7 : 8);
    for (HeadFusion f : {HeadFusion::Mean, HeadFusion::Max, HeadFusion::Min})
      for (const std::vector<int>& heads : {std::vector<int>{}, std::vector<int>{1, 3}}) {
        FusionOptions o;
        o.method = f;
        o.heads = heads;
        const Tensor t = fuse_layers(m, o);
        for (int l = 0; l < 3; ++l) {
          const RowMatrix x = t.matrix(l);
          EXPECT_LE(worst_row_sum_error(x), 1e-5) << to_string(f) << " causal " << causal;
          if (causal) {
            EXPECT_EQ(max_upper(x), 0.0f) << to_string(f);
          }
        }
      }
  }
}

TEST(AnalysisRollout, PaperExampleByHand) {
  // With α = 0.5: Â_0 = 0.5 (Ā_0 + I) = [[.5, .25, .25], [.5, .5, 0], [0, .5, .5]]
  //               Â_1 = 0.5 (Ā_1 + I) = [[.5, 0, .5], [.25, .5, .25], [0, .1, .9]]
  // R = Â_1 Â_0:
  //   row 0 = .5 [.5 .25 .25] + .5 [0 .5 .5]                     = [.25  .375  .375 ]
  //   row 1 = .25 [.5 .25 .25] + .5 [.5 .5 0] + .25 [0 .5 .5]     = [.375 .4375 .1875]
  //   row 2 = .1 [.5 .5 0] + .9 [0 .5 .5]                         = [.05  .5    .45  ]
  const RowMatrix r = attention_rollout(paper_example(), RolloutOptions{});
  EXPECT_LE(max_diff(r, mat({{.25, .375, .375}, {.375, .4375, .1875}, {.05, .5, .45}})), 1e-6);

  // Starting at layer 1 leaves Â_1 alone.
  RolloutOptions o;
  o.start_layer = 1;
  EXPECT_LE(max_diff(attention_rollout(paper_example(), o), mat({{.5, 0, .5}, {.25, .5, .25}, {0, .1, .9}})), 1e-6);
}

TEST(AnalysisRollout, ProgressIsToldPerLayerAndCanStopIt) {
  std::vector<int> seen;
  const RowMatrix full = attention_rollout(paper_example(), RolloutOptions{}, [&](const Progress& p) {
    seen.push_back(p.done);
    EXPECT_EQ(p.total, 2);
    return true;
  });
  EXPECT_EQ(seen, (std::vector<int>{1, 2}));
  EXPECT_LE(max_diff(full, attention_rollout(paper_example(), RolloutOptions{})), 0.0);
  const RowMatrix stopped = attention_rollout(paper_example(), RolloutOptions{}, [](const Progress&) { return false; });
  EXPECT_EQ(stopped.size(), 0);
}

TEST(AnalysisRollout, StepsBuildUpLayerByLayer) {
  // Paper example by hand (above): after layer 0 the rollout is Â_0, after layer 1 it is R.
  std::vector<int> layers;
  std::vector<RowMatrix> steps;
  attention_rollout_steps(paper_example(), RolloutOptions{}, [&](int layer, const RowMatrix& r) {
    layers.push_back(layer);
    steps.push_back(r);
  });
  ASSERT_EQ(layers, (std::vector<int>{0, 1}));
  EXPECT_LE(max_diff(steps[0], mat({{.5, .25, .25}, {.5, .5, 0}, {0, .5, .5}})), 1e-6);
  EXPECT_LE(max_diff(steps[1], mat({{.25, .375, .375}, {.375, .4375, .1875}, {.05, .5, .45}})), 1e-6);

  // On random maps, the step through layer k is the rollout of a model cut after layer k.
  const AttentionMaps m = random_maps(4, 3, 8, true, 31);
  RolloutOptions o;
  o.start_layer = 1;
  o.discard_ratio = 0.3;
  o.fusion.method = HeadFusion::Max;
  layers.clear();
  attention_rollout_steps(m, o, [&](int layer, const RowMatrix& r) {
    layers.push_back(layer);
    AttentionMaps cut = m;
    cut.num_layers = layer + 1;
    cut.layers.resize(static_cast<size_t>(layer + 1));
    cut.data.resize(static_cast<size_t>(layer + 1) * 3 * 8 * 8);
    EXPECT_LE(max_diff(r, attention_rollout(cut, o)), 1e-6) << "through layer " << layer;
    EXPECT_LE(worst_row_sum_error(r), 1e-5);
    EXPECT_EQ(max_upper(r), 0.0f);
  });
  EXPECT_EQ(layers, (std::vector<int>{1, 2, 3}));
}

TEST(AnalysisFlow, PaperExampleByHand) {
  // Same Â as above. With two layers every path output i -> middle k -> input j is its own pair of
  // edges, so maxflow(i -> j) = Σ_k min(Â_1[i][k], Â_0[k][j]):
  //   row 0, Â_1 = [.5 0 .5]: j0 .5+0+0 = .5, j1 .25+0+.5 = .75, j2 .25+0+.5 = .75 -> /2    = [1/4 3/8 3/8]
  //   row 1, [.25 .5 .25]:    j0 .25+.5+0 = .75, j1 .25+.5+.25 = 1, j2 .25+0+.25 = .5 -> /2.25
  //                                                                                   = [1/3 4/9 2/9]
  //   row 2, [0 .1 .9]:       j0 0+.1+0 = .1, j1 0+.1+.5 = .6, j2 0+0+.5 = .5 -> /1.2 = [1/12 1/2 5/12]
  std::vector<int> done;
  FlowOptions serial;
  serial.threads = 1;
  const FlowResult f = attention_flow(paper_example(), serial, [&](const Progress& p) {
    done.push_back(p.done);
    EXPECT_EQ(p.total, 3);
    return true;
  });
  ASSERT_FALSE(f.cancelled);
  EXPECT_EQ(done, (std::vector<int>{1, 2, 3}));  // one thread: every row
  EXPECT_LE(max_diff(f.flow, mat({{.25, .375, .375}, {1. / 3, 4. / 9, 2. / 9}, {1. / 12, .5, 5. / 12}})), 1e-6);
  EXPECT_EQ(f.cost.solves, 9);
  EXPECT_EQ(f.cost.nodes, 9);
}

TEST(AnalysisFlow, SharedEdgeIsABottleneckUnlikeASumOverPaths) {
  // Three layers, two tokens, α = 0 (Â = Ā). Output 0 splits .5/.5 over both middle tokens, both
  // of which send everything through node (1, 0), which passes .3 to input 0 and .7 to input 1.
  // The edge (1,0) -> (0,0) limits the flow to input 0 to .3 and (1,0) -> (0,1) to .7, so the
  // flow row is [.3, .7] -- a sum over paths would count those edges twice: [.6, 1.0] -> [.375, .625].
  const AttentionMaps m = maps_of({{{{.3f, .7f}, {0, 1}}}, {{{1, 0}, {1, 0}}}, {{{.5f, .5f}, {1, 0}}}});
  FlowOptions o;
  o.residual_weight = 0;
  const FlowResult f = attention_flow(m, o);
  EXPECT_LE(max_diff(f.flow, mat({{.3, .7}, {.3, .7}})), 1e-6);
  RolloutOptions r;
  r.residual_weight = 0;  // here rollout agrees: A_2 A_1 A_0 = [[.3 .7] [.3 .7]]
  EXPECT_LE(max_diff(attention_rollout(m, r), mat({{.3, .7}, {.3, .7}})), 1e-6);
}

TEST(AnalysisFlow, TwoLayerFlowEqualsSumOfPathMinimaOnRandomMaps) {
  // An independent formula for two layers (see PaperExampleByHand), on random maps.
  for (bool causal : {false, true}) {
    const AttentionMaps m = random_maps(2, 3, 7, causal, 11);
    const FlowResult f = attention_flow(m, FlowOptions{});
    FusionOptions mean;
    const RowMatrix a0 = add_residual(fuse_heads(m, 0, mean), 0.5), a1 = add_residual(fuse_heads(m, 1, mean), 0.5);
    RowMatrix want(7, 7);
    for (int i = 0; i < 7; ++i) {
      double total = 0;
      for (int j = 0; j < 7; ++j) {
        double v = 0;
        for (int k = 0; k < 7; ++k) v += std::min<double>(a1(i, k), a0(k, j));
        want(i, j) = static_cast<float>(v);
        total += v;
      }
      want.row(i) /= static_cast<float>(total);
    }
    EXPECT_LE(max_diff(f.flow, want), 1e-6) << "causal " << causal;
  }
}

TEST(AnalysisRollout, OneLayerWithoutResidualEqualsTheFusedMatrix) {
  const AttentionMaps m = random_maps(1, 4, 6, false, 3);
  for (HeadFusion fm : {HeadFusion::Mean, HeadFusion::Max, HeadFusion::Min}) {
    RolloutOptions o;
    o.residual_weight = 0;
    o.fusion.method = fm;
    o.fusion.heads = fm == HeadFusion::Mean ? std::vector<int>{0, 2} : std::vector<int>{};
    EXPECT_LE(max_diff(attention_rollout(m, o), fuse_heads(m, 0, o.fusion)), 1e-6) << to_string(fm);
  }
}

TEST(AnalysisRollout, RolloutAndFlowKeepRowsAndCausalStructure) {
  for (bool causal : {false, true}) {
    const AttentionMaps m = random_maps(4, 3, 10, causal, causal ? 21 : 22);
    for (int start : {0, 2})
      for (double discard : {0.0, 0.5, 0.9})
        for (HeadFusion fm : {HeadFusion::Mean, HeadFusion::Max, HeadFusion::Min}) {
          RolloutOptions o;
          o.start_layer = start;
          o.discard_ratio = discard;
          o.fusion.method = fm;
          const RowMatrix r = attention_rollout(m, o);
          EXPECT_LE(worst_row_sum_error(r), 1e-5) << "start " << start << " discard " << discard;
          if (causal) {
            EXPECT_EQ(max_upper(r), 0.0f);
          }
        }
    for (int start : {0, 3}) {
      FlowOptions o;
      o.start_layer = start;
      const FlowResult f = attention_flow(m, o);
      EXPECT_LE(worst_row_sum_error(f.flow), 1e-6);
      EXPECT_GE(f.flow.minCoeff(), 0.0f);
      if (causal) {
        EXPECT_EQ(max_upper(f.flow), 0.0f);
      }
    }
  }
}

TEST(AnalysisRollout, DiscardKeepsColumnZeroAndDropsTheRequestedShare) {
  RowMatrix a = mat({{.05, .1, .2, .65}, {.3, .4, .2, .1}, {.01, .02, .03, .94}, {.25, .25, .25, .25}});
  // 12 positive entries outside column 0; ratio 0.5 drops the 6 smallest: .02 .03 .1 .1 .2 .2
  // (ties at .2 and .25 are broken by position).
  discard_lowest(a, 0.5);
  EXPECT_LE(max_diff(a, mat({{.05, 0, 0, .65}, {.3, .4, 0, 0}, {.01, 0, 0, .94}, {.25, .25, .25, .25}})), 0);
  EXPECT_THROW(discard_lowest(a, 1.0), Error);
}

TEST(AnalysisRollout, NeedsEveryLayerFromTheStartLayer) {
  AttentionMaps m = random_maps(4, 2, 5, false, 5);
  AttentionMaps some;
  some.allocate(4, 2, 5, {0, 2, 3});
  for (int l : {0, 2, 3})
    for (int h = 0; h < 2; ++h) some.head(l, h) = m.head(l, h);
  try {
    attention_rollout(some, RolloutOptions{});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Usage);
    EXPECT_NE(std::string(e.what()).find("layer 1 was not captured"), std::string::npos) << e.what();
  }
  RolloutOptions o;
  o.start_layer = 2;
  EXPECT_LE(max_diff(attention_rollout(some, o), attention_rollout(m, o)), 0);
  FlowOptions fo;
  EXPECT_THROW(attention_flow(some, fo), Error);
  fo.start_layer = 4;
  EXPECT_THROW(attention_flow(m, fo), Error);
}

TEST(AnalysisFlow, CancelLeavesNoResult) {
  const AttentionMaps m = random_maps(2, 2, 6, false, 9);
  const FlowResult f = attention_flow(m, FlowOptions{}, [](const Progress& p) { return p.done < 2; });
  EXPECT_TRUE(f.cancelled);
  EXPECT_EQ(f.flow.size(), 0);
}

TEST(AnalysisMassThreshold, KeepsTheSmallestSetHoldingTau) {
  const MassThreshold t = mass_threshold({.1f, .4f, .2f, .3f}, {0.6});
  EXPECT_EQ(t.keep, (std::vector<uint8_t>{0, 1, 0, 1}));  // .4 + .3 = .7 >= .6, .4 alone < .6
  EXPECT_EQ(t.kept, 2);
  EXPECT_NEAR(t.kept_mass, .7, 1e-6);
  EXPECT_FLOAT_EQ(t.threshold, .3f);
  EXPECT_EQ(mass_threshold({.1f, .4f, .2f, .3f}, {1.0}).kept, 4);
  EXPECT_THROW(mass_threshold({0, 0}), Error);
  EXPECT_THROW(mass_threshold({.5f, -.1f}), Error);

  std::mt19937 rng(4);
  std::gamma_distribution<float> g(0.3f);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<float> v(196);
    for (auto& x : v) x = g(rng);
    const double tau = 0.1 + 0.018 * trial;
    const MassThreshold r = mass_threshold(v, {tau});
    double total = 0, kept = 0, smallest_kept = INFINITY, largest_dropped = 0;
    for (size_t i = 0; i < v.size(); ++i) {
      total += v[i];
      if (r.keep[i]) kept += v[i], smallest_kept = std::min<double>(smallest_kept, v[i]);
      else largest_dropped = std::max<double>(largest_dropped, v[i]);
    }
    EXPECT_GE(kept, tau * total * (1 - 1e-9)) << tau;
    EXPECT_GE(smallest_kept, largest_dropped);              // the kept set is a top set ...
    EXPECT_LT(kept - smallest_kept, tau * total) << tau;    // ... and one entry fewer is not enough
    EXPECT_EQ(r.kept, std::count(r.keep.begin(), r.keep.end(), 1));
  }
}

TEST(AnalysisDisplay, ScalesByHand) {
  const RowMatrix a = mat({{.1, .2}, {.3, .4}});
  const RowMatrix b = mat({{.8, .2}, {0, 0}});
  DisplayOptions o;
  EXPECT_LE(max_diff(normalize_for_display(a, o), a), 0);
  o.scale = DisplayScale::MatrixMax;
  EXPECT_LE(max_diff(normalize_for_display(a, o), mat({{.25, .5}, {.75, 1}})), 1e-6);
  o.scale = DisplayScale::GlobalMax;
  const auto both = normalize_for_display(std::vector<RowMatrix>{a, b}, o);
  EXPECT_LE(max_diff(both[0], mat({{.125, .25}, {.375, .5}})), 1e-6);
  EXPECT_LE(max_diff(both[1], mat({{1, .25}, {0, 0}})), 1e-6);

  o.scale = DisplayScale::Log;  // D = 4: 1 -> 1, .1 -> .75, .001 -> .25, 1e-5 -> 0 (clamped), 0 -> 0
  EXPECT_LE(max_diff(normalize_for_display(mat({{1, .1, .001, 1e-5, 0}}), o), mat({{1, .75, .25, 0, 0}})), 1e-6);

  // Captum's threshold: sorted .1 .2 .3 .4, total 1. p = 40: 60% of the mass is reached at .3
  // (.1+.2+.3) -> t = .3; p = 2: 98% only at .4 -> t = .4.
  o.scale = DisplayScale::Percentile;
  o.clip_percent = 40;
  EXPECT_LE(max_diff(normalize_for_display(a, o), mat({{1. / 3, 2. / 3}, {1, 1}})), 1e-6);
  o.clip_percent = 2;
  EXPECT_LE(max_diff(normalize_for_display(a, o), mat({{.25, .5}, {.75, 1}})), 1e-6);
  // One outlier holding 96 of 100: 98% of the mass needs it (t = 96); 3% is reached at the third 1.
  std::vector<float> spike = {1, 1, 1, 1, 96};
  EXPECT_FLOAT_EQ(cumulative_sum_threshold(spike.data(), spike.size(), 98), 96.0f);
  EXPECT_FLOAT_EQ(cumulative_sum_threshold(spike.data(), spike.size(), 3), 1.0f);
  // Clipping by value: numpy.percentile with linear interpolation (values checked with numpy:
  // percentile(1..99 + [1000], 98) = 98.02, percentile([.1 .2 .3 .4], 60) = .28, one value: itself).
  std::vector<float> ramp;
  for (int i = 1; i < 100; ++i) ramp.push_back(static_cast<float>(i));
  ramp.push_back(1000);
  EXPECT_NEAR(value_percentile(ramp.data(), ramp.size(), 98), 98.02f, 1e-4);
  EXPECT_NEAR(value_percentile(a.data(), 4, 60), .28f, 1e-6);
  const float one = 5;
  EXPECT_FLOAT_EQ(value_percentile(&one, 1, 98), 5.0f);
  // The outlier that Captum's mass clip leaves alone (it holds 91% of the mass) saturates, and the
  // rest gets the colour range: 49 -> 49 / 98.02.
  o.scale = DisplayScale::ValuePercentile;
  o.clip_percent = 2;
  RowMatrix row(1, 100);
  for (int i = 0; i < 100; ++i) row(0, i) = ramp[static_cast<size_t>(i)];
  const RowMatrix clipped = normalize_for_display(row, o);
  EXPECT_FLOAT_EQ(clipped(0, 99), 1.0f);
  EXPECT_FLOAT_EQ(clipped(0, 98), 1.0f);
  EXPECT_NEAR(clipped(0, 48), 49 / 98.02, 1e-6);
  o.scale = DisplayScale::Percentile;
  EXPECT_NEAR(normalize_for_display(row, o)(0, 48), 49 / 1000.0, 1e-6);  // the mass clip: nothing clipped

  o.scale = DisplayScale::Raw;
  o.mask = {1, 0, 0};
  EXPECT_LE(max_diff(normalize_for_display(mat({{.5, .25, .25}, {.2, .2, .6}, {1, 0, 0}}), o),
                     mat({{0, .5, .5}, {0, .25, .75}, {0, 0, 0}})),
            1e-6);
  o.mask = {1};
  EXPECT_THROW(normalize_for_display(a, o), Error);
}
