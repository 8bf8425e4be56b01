// Attention flow on the real stories260K model: progress, cost limit, agreement with the
// single-layer case.
#include <algorithm>
#include <chrono>

#include <gtest/gtest.h>

#include "core/analysis/flow.h"
#include "core/common/error.h"
#include "core/io/safetensors.h"
#include "core/pipeline/analyzer.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
using attnscope::test::builtin_model;
using attnscope::test::shared;

TEST(AnalysisFlowModel, FortyTokensOfStories260KWithProgress) {
  ATTNSCOPE_REQUIRE_SHARED();
  SafetensorsFile g(shared("golden/stories260K/03_long.safetensors").string());
  auto analyzer = Analyzer::open(builtin_model("stories260K"));
  AnalysisRequest req;
  req.text = g.metadata().at("text");
  req.max_tokens = 40;
  const Analysis a = analyzer->run(req);
  ASSERT_EQ(a.seq_len(), 40);

  std::vector<int> done;
  const auto t0 = std::chrono::steady_clock::now();
  const FlowResult f = attention_flow(a.forward.attentions, FlowOptions{}, [&](const Progress& p) {
    EXPECT_EQ(p.total, 40);
    done.push_back(p.done);
    return true;
  });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_FALSE(f.cancelled);
  ASSERT_GE(done.size(), 2u);  // reported as rows finish (every row with one thread)
  EXPECT_TRUE(std::is_sorted(done.begin(), done.end()));
  EXPECT_GE(done.front(), 1);
  EXPECT_EQ(done.back(), 40);
  EXPECT_TRUE(f.cost.causal);
  EXPECT_EQ(f.cost.solves, 40 * 41 / 2);
  ASSERT_EQ(f.flow.rows(), 40);
  for (int i = 0; i < 40; ++i) {
    EXPECT_NEAR(f.flow.row(i).cast<double>().sum(), 1.0, 1e-6) << i;
    for (int j = i + 1; j < 40; ++j) EXPECT_EQ(f.flow(i, j), 0.0f);
  }
  EXPECT_FLOAT_EQ(f.flow(0, 0), 1.0f);
  std::cout << "attention flow, 40 tokens x 5 layers: " << f.cost.solves << " max-flow problems in " << seconds << " s\n";

  // Over one layer every path is a single edge, so the flow is that layer's Â itself.
  FlowOptions last;
  last.start_layer = 4;
  const FlowResult one = attention_flow(a.forward.attentions, last);
  const RowMatrix want = add_residual(fuse_heads(a.forward.attentions, 4, FusionOptions{}), 0.5);
  EXPECT_LE((one.flow - want).cwiseAbs().maxCoeff(), 1e-6);

  // Cancelled half way: no result.
  const FlowResult c = attention_flow(a.forward.attentions, FlowOptions{}, [](const Progress& p) { return p.done < 20; });
  EXPECT_TRUE(c.cancelled);
  EXPECT_EQ(c.flow.size(), 0);
}

TEST(AnalysisFlowModel, TwoThousandTokensAreRefusedWithTheEstimate) {
  // stories260K's shape (5 layers) at 2,000 tokens, causal (zeros above the diagonal).
  AttentionMaps m;
  m.allocate(5, 1, 2000, {});
  const FlowCost c = estimate_flow_cost(m, FlowOptions{});
  EXPECT_TRUE(c.causal);
  EXPECT_EQ(c.solves, 2000 * 2001 / 2);
  EXPECT_EQ(c.nodes, 6 * 2000);
  EXPECT_EQ(c.edges, 2 * 5 * (2000 * 2001 / 2));  // forward + reverse edge per attention weight
  try {
    attention_flow(m, FlowOptions{}, [](const Progress&) -> bool {
      ADD_FAILURE() << "no work should start";
      return false;
    });
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Resource);
    const std::string msg = e.what();
    EXPECT_NE(msg.find("2000 tokens and 5 layers would solve 2,001,000 max-flow problems on a graph of 12,000 nodes and "
                       "20,010,000 edges"),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("the limit is 2e+09"), std::string::npos) << msg;
  }
  FlowOptions loose;
  loose.max_cost = 1e30;
  EXPECT_NO_THROW(estimate_flow_cost(m, loose));
}

// Only the rows asked for (an image map needs the CLS row): each equals that row of the all-pairs
// flow, for a bidirectional ViT (64 x 64 input: 16 patches + CLS) and for the causal stories260K.
TEST(AnalysisFlowModel, SelectedRowsEqualTheRowsOfAllPairsFlow) {
  {
    auto analyzer = Analyzer::open(builtin_model("vit-tiny"));
    AnalysisRequest req;
    req.image = test::source_dir() / "samples" / "images" / "chelsea.png";
    req.image_size = ImageSize{64, 64};
    const Analysis a = analyzer->run(req);
    ASSERT_EQ(a.seq_len(), 17);
    const FlowResult all = attention_flow(a.forward.attentions, FlowOptions{});
    // One thread solves the row's problems in turn; with more threads than rows they are shared out.
    for (int threads : {1, 3}) {
      FlowOptions cls;
      cls.rows = {0};
      cls.threads = threads;
      int last_done = 0, last_total = 0;
      const FlowResult row = attention_flow(a.forward.attentions, cls, [&](const Progress& p) {
        last_done = static_cast<int>(p.done);
        last_total = static_cast<int>(p.total);
        return true;
      });
      EXPECT_FALSE(row.cost.causal);
      EXPECT_EQ(row.cost.solves, 17);
      EXPECT_EQ(all.cost.solves, 17 * 17);
      ASSERT_EQ(row.flow.rows(), 1);
      ASSERT_EQ(row.flow.cols(), 17);
      EXPECT_LE((row.flow.row(0) - all.flow.row(0)).cwiseAbs().maxCoeff(), 1e-6) << threads;
      EXPECT_NEAR(row.flow.row(0).cast<double>().sum(), 1.0, 1e-6);
      EXPECT_LT(row.cost.cost, all.cost.cost / 10);  // the estimate says what choosing a row saves
      EXPECT_EQ(last_done, last_total);
      EXPECT_EQ(last_total, threads == 1 ? 1 : 17) << "rows, or problems when they are shared out";
    }
  }
  {
    auto analyzer = Analyzer::open(builtin_model("stories260K"));
    AnalysisRequest req;
    req.text = "Once upon a time there was a little cat who liked to play in the sun.";
    const Analysis a = analyzer->run(req);
    const int S = a.seq_len();
    const FlowResult all = attention_flow(a.forward.attentions, FlowOptions{});
    FlowOptions some;
    some.rows = {S - 1, 0, S / 2};
    for (int threads : {2, 4}) {  // by rows; by problems of causal graphs of three sizes
      some.threads = threads;
      const FlowResult part = attention_flow(a.forward.attentions, some);
      ASSERT_EQ(part.flow.rows(), 3);
      for (int k = 0; k < 3; ++k)
        EXPECT_LE((part.flow.row(k) - all.flow.row(some.rows[static_cast<size_t>(k)])).cwiseAbs().maxCoeff(), 1e-6) << k << " " << threads;
      EXPECT_EQ(part.cost.solves, S + 1 + (S / 2 + 1));
    }
    some.rows = {S};
    EXPECT_THROW(attention_flow(a.forward.attentions, some), Error);
  }
}
