// What attention costs: the analytic FLOP / byte counts against derivations written out by hand
// here, and measured profiles of real forward passes.
#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "core/analysis/cost_model.h"
#include "core/common/error.h"
#include "core/models/model.h"
#include "core/pipeline/analyzer.h"
#include "tests/support/csv.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
using attnscope::test::csv_rows;
using attnscope::test::builtin_model;
using attnscope::test::shared;

namespace {

CostShape bert_base() {
  CostShape s;
  s.layers = 12;
  s.hidden = 768;
  s.heads = 12;
  s.kv_heads = 12;
  s.head_dim = 64;
  s.intermediate = 3072;
  s.parameters = 109482240;  // bert-base-uncased (BertModel)
  return s;
}

}  // namespace

// bert-base (D = 768, H = 12, d = 64, F = 3072, GELU MLP, LayerNorm), one layer at n = 128,
// by hand (n D = 128 * 768 = 98,304; n^2 = 16,384; H n^2 = 196,608):
//   Q/K/V projections  2 n D (3 D)      = 2 * 98,304 * 2,304        =   452,984,832
//   scores             2 H n^2 d        = 2 * 196,608 * 64          =    25,165,824
//   softmax            6 H n^2          = 6 * 196,608               =     1,179,648
//   weighted sum       2 H n^2 d                                    =    25,165,824
//   output projection  2 n D D          = 2 * 98,304 * 768          =   150,994,944
//   MLP                4 n D F + n F    = 4 * 98,304 * 3,072 + 393,216 = 1,208,352,768
//   other              2 LayerNorms * 8 n D + 2 residual adds * n D
//                                       = 1,572,864 + 196,608       =     1,769,472
//   total                                                           = 1,865,613,312
// Weights read (4 bytes): Q/K/V 4 * 768 * 2304 = 7,077,888; output 4 * 768^2 = 2,359,296;
// MLP 4 * 2 * 768 * 3072 = 18,874,368.
// Activations read + written (4 bytes): Q/K/V 4 n (D + 3D) = 1,572,864; scores 4 (n D + n D +
// H n^2) = 4 * 393,216 = 1,572,864; softmax 4 * 2 H n^2 = 1,572,864; weighted sum = scores;
// output 4 n (2 D) = 786,432; MLP 4 (2 n D + 4 n F) = 4 * 1,769,472 = 7,077,888; other
// 4 (4 n D + 6 n D) = 3,932,160.
// The attention matrix of one layer: 4 H n^2 = 786,432 bytes; all 12 layers 9,437,184.
// n^2 overtakes n: linear FLOPs per token (452,984,832 + 150,994,944 + 1,208,352,768 +
// 1,769,472) / 128 = 14,172,672; quadratic per n^2: (2 * 25,165,824 + 1,179,648) / 16,384 =
// 3,144 (= H (4 d + 6)); equal at n = 14,172,672 / 3,144 = 4507.85.
TEST(CostModel, BertBaseLayerAt128MatchesTheHandDerivation) {
  const LayerCost c = layer_cost(bert_base(), 128);
  EXPECT_EQ(c[LayerPart::QkvProjection].flops, 452984832.0);
  EXPECT_EQ(c[LayerPart::Scores].flops, 25165824.0);
  EXPECT_EQ(c[LayerPart::Softmax].flops, 1179648.0);
  EXPECT_EQ(c[LayerPart::WeightedSum].flops, 25165824.0);
  EXPECT_EQ(c[LayerPart::OutputProjection].flops, 150994944.0);
  EXPECT_EQ(c[LayerPart::Mlp].flops, 1208352768.0);
  EXPECT_EQ(c[LayerPart::Other].flops, 1769472.0);
  EXPECT_EQ(c.total().flops, 1865613312.0);

  EXPECT_EQ(c[LayerPart::QkvProjection].weight_bytes, 7077888.0);
  EXPECT_EQ(c[LayerPart::Scores].weight_bytes, 0.0);
  EXPECT_EQ(c[LayerPart::OutputProjection].weight_bytes, 2359296.0);
  EXPECT_EQ(c[LayerPart::Mlp].weight_bytes, 18874368.0);

  EXPECT_EQ(c[LayerPart::QkvProjection].activation_bytes, 1572864.0);
  EXPECT_EQ(c[LayerPart::Scores].activation_bytes, 1572864.0);
  EXPECT_EQ(c[LayerPart::Softmax].activation_bytes, 1572864.0);
  EXPECT_EQ(c[LayerPart::WeightedSum].activation_bytes, 1572864.0);
  EXPECT_EQ(c[LayerPart::OutputProjection].activation_bytes, 786432.0);
  EXPECT_EQ(c[LayerPart::Mlp].activation_bytes, 7077888.0);
  EXPECT_EQ(c[LayerPart::Other].activation_bytes, 3932160.0);

  const ModelCost m = model_cost(bert_base(), 128);
  EXPECT_EQ(m.total.flops, 12 * 1865613312.0);
  EXPECT_EQ(m.attention_bytes, 9437184.0);
  EXPECT_EQ(m.weight_bytes, 4 * 109482240.0);
  EXPECT_NEAR(quadratic_crossover(bert_base()), 14172672.0 / 3144.0, 1e-9);
  // Below the crossover the linear part dominates, above it the quadratic one.
  EXPECT_GT(layer_cost(bert_base(), 4096).linear_flops(), layer_cost(bert_base(), 4096).quadratic_flops());
  EXPECT_LT(layer_cost(bert_base(), 8192).linear_flops(), layer_cost(bert_base(), 8192).quadratic_flops());
}

// stories260K (D = 64, H = 8, Hkv = 4, d = 8, F = 172, SwiGLU, RMSNorm, RoPE), one layer at
// n = 16, by hand (n D = 1,024; H n^2 = 2,048):
//   Q/K/V  2 n D (H d + 2 Hkv d) = 2 * 1,024 * (64 + 64)          = 262,144  (K, V: 4 heads only)
//   scores 2 H n^2 d = 2 * 2,048 * 8                               =  32,768
//   softmax 6 * 2,048                                              =  12,288
//   weighted sum                                                   =  32,768
//   output 2 n (H d) D = 2 * 1,024 * 64                            = 131,072
//   MLP    3 matrices 6 n D F + silu and gate product 2 n F
//          = 6 * 1,024 * 172 + 2 * 16 * 172 = 1,056,768 + 5,504   = 1,062,272
//   other  2 RMSNorms * 4 n D + 2 n D + RoPE 3 n (H + Hkv) d
//          = 8,192 + 2,048 + 3 * 16 * 12 * 8 = 8,192 + 2,048 + 4,608 = 14,848
// Weights: Q/K/V 4 * 64 * 128 = 32,768 bytes; MLP 4 * 3 * 64 * 172 = 132,096 bytes.
TEST(CostModel, GroupedQuerySwiGluLayerMatchesTheHandDerivation) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto m = load_model(builtin_model("stories260K"));
  const CostShape s = cost_shape(m->info());
  EXPECT_EQ(s.kv_heads, 4);
  EXPECT_TRUE(s.gated_mlp);
  EXPECT_TRUE(s.rms_norm);
  EXPECT_TRUE(s.rotary);
  EXPECT_EQ(s.parameters, 260032);
  const LayerCost c = layer_cost(s, 16);
  EXPECT_EQ(c[LayerPart::QkvProjection].flops, 262144.0);
  EXPECT_EQ(c[LayerPart::Scores].flops, 32768.0);
  EXPECT_EQ(c[LayerPart::Softmax].flops, 12288.0);
  EXPECT_EQ(c[LayerPart::WeightedSum].flops, 32768.0);
  EXPECT_EQ(c[LayerPart::OutputProjection].flops, 131072.0);
  EXPECT_EQ(c[LayerPart::Mlp].flops, 1062272.0);
  EXPECT_EQ(c[LayerPart::Other].flops, 14848.0);
  EXPECT_EQ(c[LayerPart::QkvProjection].weight_bytes, 32768.0);
  EXPECT_EQ(c[LayerPart::Mlp].weight_bytes, 132096.0);

  auto b = load_model(shared("models/bert-random"));
  const CostShape bs = cost_shape(b->info());
  EXPECT_FALSE(bs.gated_mlp);
  EXPECT_FALSE(bs.rms_norm);
  EXPECT_EQ(bs.kv_heads, bs.heads);
  EXPECT_THROW(layer_cost(bs, 0), Error);
}

TEST(CostModel, SweepLengthsArePowersOfTwoWithinTheModelsLimit) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto llama = load_model(builtin_model("stories260K"));  // max_position_embeddings 512
  EXPECT_EQ(sweep_lengths(llama->info(), 8, 0), (std::vector<int64_t>{8, 16, 32, 64, 128, 256, 512}));
  EXPECT_EQ(sweep_lengths(llama->info(), 8, 5000), (std::vector<int64_t>{8, 16, 32, 64, 128, 256, 512}));
  EXPECT_EQ(sweep_lengths(llama->info(), 10, 100), (std::vector<int64_t>{16, 32, 64}));
  EXPECT_TRUE(sweep_lengths(llama->info(), 600, 1000).empty());
  auto vit = load_model(shared("models/vit-tiny-patch16-224"));
  EXPECT_EQ(sweep_lengths(vit->info(), 1, 8), (std::vector<int64_t>{2, 4, 8}));  // at least CLS + 1 patch
  EXPECT_EQ(sweep_lengths(vit->info(), 8, 0).back(), 1024);
}

TEST(CostModel, GeneratedInputsHaveExactlyNTokens) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto a = Analyzer::open(builtin_model("stories260K"));
  const ForwardInput t = generated_input(a->info(), a->tokenizer(), 300, 7);
  ASSERT_EQ(t.input_ids.size(), 300u);
  std::set<int64_t> distinct(t.input_ids.begin(), t.input_ids.end());
  EXPECT_GT(distinct.size(), 100u);
  for (int64_t id : t.input_ids) {
    EXPECT_FALSE(a->tokenizer()->is_special(id)) << id;
    EXPECT_LT(id, 512);
  }
  EXPECT_EQ(generated_input(a->info(), a->tokenizer(), 300, 7).input_ids, t.input_ids);  // deterministic
  EXPECT_THROW(generated_input(a->info(), a->tokenizer(), 513, 0), Error);

  auto vit = load_model(shared("models/vit-tiny-patch16-224"));
  EXPECT_EQ(generated_input(vit->info(), nullptr, 197, 0).pixel_values.shape, (Shape{3, 224, 224}));  // 14 x 14
  EXPECT_EQ(generated_input(vit->info(), nullptr, 65, 0).pixel_values.shape, (Shape{3, 128, 128}));   // 8 x 8
  EXPECT_EQ(generated_input(vit->info(), nullptr, 8, 0).pixel_values.shape, (Shape{3, 16, 112}));     // 7 = 1 x 7
  ForwardOptions fo;
  fo.logits = LogitsMode::None;
  for (int64_t n : {8, 65, 128}) {
    const ForwardResult r = vit->forward(generated_input(vit->info(), nullptr, n, 1), fo);
    EXPECT_EQ(r.attentions.seq_len, n);
  }
  EXPECT_THROW(generated_input(vit->info(), nullptr, 1, 0), Error);
}

TEST(CostModel, ProfileSplitsEveryLayerIntoItsParts) {
  ATTNSCOPE_REQUIRE_SHARED();
  for (const char* model : {"stories260K", "bert-random", "gpt2-random", "vit-tiny-patch16-224"}) {
    SCOPED_TRACE(model);
    auto a = Analyzer::open(shared(std::string("models/") + model));
    ForwardOptions fo;
    fo.profile = true;
    const ForwardInput in = generated_input(a->info(), a->tokenizer(), 64, 3);
    const ForwardResult r = a->model().forward(in, fo);
    const ForwardProfile& p = r.profile;
    ASSERT_EQ(p.layers.size(), static_cast<size_t>(a->info().num_layers));
    EXPECT_EQ(p.seq_len, 64);
    EXPECT_GE(p.threads, 1);
    double layers = 0;
    for (const LayerProfile& l : p.layers) {
      for (LayerPart part : kLayerParts) EXPECT_GE(l[part], 0.0) << to_string(part);
      // Every part ran and took some time on the steady clock.
      for (LayerPart part : {LayerPart::QkvProjection, LayerPart::Scores, LayerPart::Softmax, LayerPart::WeightedSum,
                             LayerPart::OutputProjection, LayerPart::Mlp})
        EXPECT_GT(l[part], 0.0) << to_string(part);
      layers += l.total();
    }
    EXPECT_GT(p.total_seconds, 0.0);
    EXPECT_NEAR(layers + p.outside_seconds, p.total_seconds, 1e-9);
    EXPECT_NEAR(p.part_seconds(LayerPart::Mlp), [&] {
      double s = 0;
      for (const auto& l : p.layers) s += l[LayerPart::Mlp];
      return s;
    }(), 1e-15);
  }
}

TEST(CostModel, MedianProfileTakesTheMiddleRunPerEntry) {
  ForwardProfile a, b, c;
  for (ForwardProfile* p : {&a, &b, &c}) {
    p->seq_len = 8;
    p->layers.resize(2);
  }
  a.layers[1][LayerPart::Scores] = 3;
  b.layers[1][LayerPart::Scores] = 1;
  c.layers[1][LayerPart::Scores] = 2;
  a.total_seconds = 10;
  b.total_seconds = 30;
  c.total_seconds = 20;
  const ForwardProfile m = median_profile({a, b, c});
  EXPECT_EQ(m.layers[1][LayerPart::Scores], 2.0);
  EXPECT_EQ(m.total_seconds, 20.0);
  EXPECT_EQ(median_profile({a, b}).total_seconds, 20.0);
  b.layers.resize(3);
  EXPECT_THROW(median_profile({a, b}), Error);
}

TEST(CostModel, MeasuredSweepRunsTheModelAtEveryLength) {
  auto a = Analyzer::open(builtin_model("stories260K"));
  CostSweepOptions o;
  o.max_seq = 64;
  o.repeats = 2;
  std::vector<std::string> stages;
  int last_done = 0, total = 0;
  const CostSweep s = measure_cost_sweep(a->model(), a->tokenizer(), o, [&](const Progress& p) {
    if (stages.empty() || stages.back() != p.stage) stages.push_back(p.stage);
    last_done = p.done;
    total = p.total;
    return true;
  });
  ASSERT_FALSE(s.cancelled);
  ASSERT_EQ(s.lengths.size(), 4u);  // 8, 16, 32, 64
  EXPECT_EQ(total, 4 * 2 + 1);      // + the warm-up
  EXPECT_EQ(last_done, total);
  EXPECT_NE(std::find(stages.begin(), stages.end(), "cost: 64 tokens, run 2/2"), stages.end());
  for (size_t i = 0; i < s.lengths.size(); ++i) {
    const MeasuredLength& m = s.lengths[i];
    EXPECT_EQ(m.seq_len, int64_t(8) << i);
    EXPECT_EQ(m.profile.seq_len, m.seq_len);  // the profile of a run of that many tokens
    ASSERT_EQ(m.profile.layers.size(), 5u);
    for (const auto& l : m.profile.layers) EXPECT_GT(l[LayerPart::Scores], 0.0);
    EXPECT_GT(m.profile.total_seconds, 0.0);
  }

  const std::string csv = cost_csv(cost_shape(a->info()), {8, 16, 32, 64}, &s);
  const auto rows = csv_rows(csv);
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0], (std::vector<std::string>{"seq_len", "layer", "part", "flops", "weight_bytes", "activation_bytes",
                                               "held_bytes", "measured_seconds"}));
  // Per length: 8 "all" compute rows + outside_layers + 4 memory rows + 5 layers x 8.
  EXPECT_EQ(rows.size(), 1u + 4 * (8 + 1 + 4 + 5 * 8));
  int measured = 0;
  for (size_t i = 1; i < rows.size(); ++i) {
    const auto& r = rows[i];
    ASSERT_EQ(r.size(), 8u);
    if (r[0] == "16" && r[1] == "all" && r[2] == "qkv_projection") {
      EXPECT_EQ(r[3], "1310720");  // 5 x 262,144
    }
    if (r[0] == "16" && r[1] == "3" && r[2] == "mlp") {
      EXPECT_EQ(r[3], "1062272");
    }
    if (r[0] == "64" && r[1] == "all" && r[2] == "attention_maps") {
      EXPECT_EQ(r[6], std::to_string(4 * 5 * 8 * 64 * 64));
    }
    if (!r[7].empty()) {
      ++measured;
      EXPECT_GT(std::stod(r[7]), 0.0) << r[0] << "," << r[1] << "," << r[2];
    }
  }
  // Measured: the 8 compute rows of "all", outside_layers and 5 layers x 8 rows, per length.
  EXPECT_EQ(measured, 4 * (8 + 1 + 5 * 8));

  const std::string analytic = cost_csv(cost_shape(a->info()), {16}, nullptr);
  EXPECT_EQ(csv_rows(analytic).size(), 1u + 8 + 4);
  EXPECT_EQ(analytic.find("outside_layers"), std::string::npos);
}

TEST(CostModel, SweepCanBeCancelled) {
  auto a = Analyzer::open(builtin_model("stories260K"));
  CostSweepOptions o;
  o.max_seq = 256;
  int calls = 0;
  const CostSweep s = measure_cost_sweep(a->model(), a->tokenizer(), o, [&](const Progress&) { return ++calls < 4; });
  EXPECT_TRUE(s.cancelled);
  EXPECT_TRUE(s.lengths.empty());
  EXPECT_EQ(calls, 4);
}
