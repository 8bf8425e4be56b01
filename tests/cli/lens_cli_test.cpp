// attnscope-cli lens: the logit lens as JSON; ablate's table; attend --method alti's arrays.
#include <fstream>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/io/safetensors.h"
#include "tests/support/run_process.h"
#include "tests/support/shared_data.h"

using namespace attnscope;

namespace {
test::ProcessResult cli(const std::vector<std::string>& args) { return test::run_process(ATTNSCOPE_CLI, args); }
}  // namespace

TEST(LensCli, WritesTheTopTokensOfEveryLayerAndPosition) {
  const auto dir = test::scratch_dir("lens_cli");
  const auto out = (dir / "lens.json").string();
  const auto r = cli({"lens", "--model", "builtin:stories260K", "--text", "Once upon a time", "--top-k", "3", "--out", out, "--force"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(out);
  const auto j = nlohmann::json::parse(in);
  const auto layers = j.at("layers").get<std::vector<int>>();
  ASSERT_EQ(layers, (std::vector<int>{-1, 0, 1, 2, 3, 4}));  // the embeddings, then stories260K's 5 layers
  const size_t positions = j.at("tokens").size();
  ASSERT_EQ(j.at("lens").size(), layers.size());
  for (const auto& layer : j["lens"]) {
    ASSERT_EQ(layer.size(), positions);
    for (const auto& ranks : layer) {
      ASSERT_EQ(ranks.size(), 3u);
      EXPECT_GE(ranks[0]["probability"].get<double>(), ranks[1]["probability"].get<double>());
      EXPECT_GE(ranks[1]["probability"].get<double>(), ranks[2]["probability"].get<double>());
    }
  }
  // After the last layer, the position before "time" predicts it (as the model's own logits do).
  EXPECT_EQ(j["lens"].back()[positions - 2][0]["token"], " time");

  EXPECT_NE(cli({"lens", "--model", "builtin:stories260K", "--text", "x", "--out", (dir / "lens.csv").string()}).exit_code, 0);
}

TEST(AblateCli, WritesOneRowPerHeadAndReadsTargetAsAnId) {
  const auto dir = test::scratch_dir("ablate_cli");
  const auto out = (dir / "ablate.csv").string();
  const auto r = cli({"ablate", "--model", "builtin:stories260K", "--text", "Once upon a", "--target", "5", "--layers", "0,4", "--out", out,
                      "--force"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(out);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "layer,head,logit_change,probability_change");
  int rows = 0;
  while (std::getline(in, line)) ++rows;
  EXPECT_EQ(rows, 2 * 8);  // two layers of stories260K's 8 heads
  const auto bad = cli({"ablate", "--model", "builtin:stories260K", "--text", "x", "--target", "five", "--out", (dir / "b.csv").string()});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_NE(bad.err.find("--target"), std::string::npos) << bad.err;
}

TEST(AltiCli, WritesRowStochasticContributionsOfEveryLayer) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto dir = test::scratch_dir("alti_cli");
  const auto out = (dir / "alti.safetensors").string();
  const auto r = cli({"attend", "--model", test::shared("models/gpt2-random").string(), "--text", "The cat sat on the mat", "--method", "alti",
                      "--out", out, "--force"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const SafetensorsFile f(out);
  const Tensor c = f.tensor("contributions"), agg = f.tensor("alti"), att = f.tensor("attentions");
  ASSERT_EQ(c.shape.size(), 3u);
  const int64_t L = c.shape[0], S = c.shape[1];
  EXPECT_EQ(L, att.shape[0]);
  EXPECT_EQ(S, att.shape[2]);
  EXPECT_EQ(agg.shape, c.shape);
  for (int64_t l = 0; l < L; ++l)
    for (int64_t i = 0; i < S; ++i) {
      double row = 0, agg_row = 0;
      for (int64_t j = 0; j < S; ++j) {
        const float v = c.data[size_t((l * S + i) * S + j)], a = agg.data[size_t((l * S + i) * S + j)];
        EXPECT_GE(v, 0.0f);
        if (j > i) {  // GPT-2 is causal: exactly nothing from the future
          EXPECT_EQ(v, 0.0f);
          EXPECT_EQ(a, 0.0f);
        }
        row += v;
        agg_row += a;
      }
      EXPECT_NEAR(row, 1.0, 1e-5);
      EXPECT_NEAR(agg_row, 1.0, 1e-5);
    }
  // The first layer's aggregate is that layer's contributions.
  for (int64_t k = 0; k < S * S; ++k) EXPECT_EQ(agg.data[size_t(k)], c.data[size_t(k)]);

  const auto some = cli({"attend", "--model", test::shared("models/gpt2-random").string(), "--text", "x", "--method", "alti", "--layers", "1",
                         "--out", (dir / "x.npz").string(), "--force"});
  EXPECT_EQ(some.exit_code, 2);
  EXPECT_NE(some.err.find("every layer"), std::string::npos) << some.err;
}
