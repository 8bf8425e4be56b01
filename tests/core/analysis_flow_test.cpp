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
