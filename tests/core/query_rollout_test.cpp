// The rollout of one query from kept queries and keys (core/analysis/query_rollout.h) against the
// full rollout of the same run's maps.
#include <gtest/gtest.h>

#include "core/analysis/query_rollout.h"
#include "core/common/error.h"
#include "core/pipeline/analyzer.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
using attnscope::test::shared;

TEST(QueryRollout, EqualsTheRowOfTheFullRollout) {
  ATTNSCOPE_REQUIRE_SHARED();
  for (const char* name : {"gpt2-random", "bert-random", "mistral-random", "vit-tiny-patch16-224"}) {
    SCOPED_TRACE(name);
    const auto analyzer = Analyzer::open(shared(std::string("models/") + name));
    AnalysisRequest req;
    if (analyzer->info().modality == Modality::Image) {
      req.image = shared("samples/images/chelsea.png");
      req.image_size = ImageSize{288, 288};  // 325 tokens: three row blocks
    } else {
      for (int i = 0; i < 16; ++i) req.text += "Once upon a time there was a little girl named Lily who loved to play in the park. ";
      req.max_tokens = 300;
    }
    req.storage = MapStorage::QueryKeys;
    const Analysis a = analyzer->run(req);
    const AttentionMaps maps = recompute_maps(a.forward.query_keys);
    const int S = a.seq_len();
    ASSERT_GT(S, 256);

    std::vector<RolloutOptions> cases(4);
    cases[1].fusion.method = HeadFusion::Max;
    cases[2].start_layer = 1;
    cases[2].residual_weight = 0.2;
    cases[3].fusion.heads = {0};
    cases[3].fusion.method = HeadFusion::Min;
    for (size_t c = 0; c < cases.size(); ++c) {
      const RowMatrix full = attention_rollout(maps, cases[c]);
      for (int query : {0, 5, S / 2, S - 1}) {
        SCOPED_TRACE(testing::Message() << "case " << c << ", query " << query);
        const std::vector<float> row = query_rollout(a.forward.query_keys, query, cases[c]);
        ASSERT_EQ(row.size(), size_t(S));
        double sum = 0, worst = 0;
        for (int j = 0; j < S; ++j) {
          sum += row[size_t(j)];
          worst = std::max(worst, double(std::abs(row[size_t(j)] - full(query, j))));
          if (analyzer->info().causal && j > query) {
            ASSERT_EQ(row[size_t(j)], 0.0f) << j;
          }
        }
        EXPECT_NEAR(sum, 1.0, 1e-5);
        EXPECT_LE(worst, 1e-6);
      }
    }
  }
}

TEST(QueryRollout, RefusesWhatItCannotDoAndCancels) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto analyzer = Analyzer::open(shared("models/stories260K"));
  AnalysisRequest req;
  req.text = "Once upon a time there was a girl";
  req.storage = MapStorage::QueryKeys;
  const Analysis a = analyzer->run(req);
  const QueryKeyCapture& qk = a.forward.query_keys;
  RolloutOptions o;
  o.discard_ratio = 0.5;
  EXPECT_THROW(query_rollout(qk, 1, o), Error);
  o.discard_ratio = 0;
  EXPECT_THROW(query_rollout(qk, a.seq_len(), o), Error);
  o.fusion.heads = {8};
  EXPECT_THROW(query_rollout(qk, 1, o), Error);
  o.fusion.heads = {};
  int calls = 0;
  EXPECT_TRUE(query_rollout(qk, 3, o, [&](const Progress& p) {
                EXPECT_EQ(p.total, 5);
                return ++calls < 2;
              }).empty());
  EXPECT_EQ(calls, 2);

  req.forward.layers = {0, 1, 2, 4};  // layer 3 missing: the chain is broken
  const Analysis gap = analyzer->run(req);
  EXPECT_THROW(query_rollout(gap.forward.query_keys, 1, RolloutOptions{}), Error);
  o.start_layer = 4;  // the last layer alone is enough
  EXPECT_EQ(query_rollout(gap.forward.query_keys, 1, o).size(), size_t(a.seq_len()));
}
