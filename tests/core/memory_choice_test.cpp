// layers_within_budget: the most consecutive layers that keep a run within its budget, placed
// around the layer the user is looking at.
#include <gtest/gtest.h>

#include "core/pipeline/memory_budget.h"

using namespace attnscope;

namespace {

ModelInfo bert_base() {
  ModelInfo m;
  m.model_type = "bert";
  m.num_layers = 12;
  m.num_heads = 12;
  m.num_kv_heads = 12;
  m.hidden_size = 768;
  m.head_dim = 64;
  return m;
}

}  // namespace

TEST(MemoryChoice, MostLayersThatFitAroundTheSelectedOne) {
  const ModelInfo m = bert_base();
  const int64_t S = 4096;
  ForwardOptions o;
  o.threads = 2;
  // Each captured layer holds 12 heads x 4096^2 floats = 768 MiB; the rest is what a layer works
  // in (a 128-row block of weights per thread; x, its norm, q, k, v and the context) and the
  // hidden state.
  const uint64_t per_layer = 12ull * S * S * 4;
  const uint64_t fixed = 2ull * 128 * S * 4 + uint64_t(S) * (4 * 768 + 2 * 24 * 64) * 4 + uint64_t(S) * 768 * 4;
  ForwardOptions all = o;
  EXPECT_EQ(estimate_run_memory(m, S, all).total(), fixed + 12 * per_layer);

  const uint64_t budget = fixed + 3 * per_layer;  // exactly three layers
  EXPECT_EQ(layers_within_budget(m, S, o, budget, 5), (std::vector<int>{4, 5, 6}));
  EXPECT_EQ(layers_within_budget(m, S, o, budget, 0), (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(layers_within_budget(m, S, o, budget, 11), (std::vector<int>{9, 10, 11}));
  EXPECT_EQ(layers_within_budget(m, S, o, budget - 1, 5), (std::vector<int>{5, 6}));  // one byte short of three; an even count leans later
  EXPECT_TRUE(layers_within_budget(m, S, o, fixed + per_layer - 1, 5).empty());
  EXPECT_EQ(layers_within_budget(m, S, o, ~uint64_t{0}, 5).size(), 12u);

  // The chosen layers really fit, and one more would not.
  o.layers = layers_within_budget(m, S, o, budget, 7);
  EXPECT_LE(estimate_run_memory(m, S, o).total(), budget);
  o.layers.push_back(11);
  EXPECT_GT(estimate_run_memory(m, S, o).total(), budget);
}

TEST(MemoryChoice, CapturedTensorsCount) {
  const ModelInfo m = bert_base();
  const int64_t S = 512;
  ForwardOptions o;
  const uint64_t without = estimate_run_memory(m, S, o).total();
  o.taps.push_back(TapRequest{Tap::V, {}});        // every layer's values: S x 768 floats each
  o.taps.push_back(TapRequest{Tap::Hidden, {-1, 3}});  // two hidden states
  o.taps.push_back(TapRequest{Tap::AttnProbs, {0}});    // one layer's probabilities: 12 x S x S
  const MemoryEstimate e = estimate_run_memory(m, S, o);
  EXPECT_EQ(e.taps, 12ull * S * 768 * 4 + 2ull * S * 768 * 4 + 12ull * S * S * 4);
  EXPECT_EQ(e.total(), without + e.taps);
}

TEST(MemoryChoice, TheBudgetErrorCarriesTheEstimate) {
  const ModelInfo m = bert_base();
  ForwardOptions o;
  const MemoryEstimate e = estimate_run_memory(m, 4096, o);
  try {
    check_memory_budget(e, 1ull << 30, 4096);
    FAIL() << "no error";
  } catch (const MemoryBudgetError& err) {
    EXPECT_EQ(err.kind(), ErrorKind::Resource);
    EXPECT_EQ(err.estimate.total(), e.total());
    EXPECT_EQ(err.budget, 1ull << 30);
    EXPECT_EQ(err.seq_len, 4096);
  }
}
