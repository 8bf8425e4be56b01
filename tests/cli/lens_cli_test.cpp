// attnscope-cli lens: the logit lens as JSON, and attend --method value-norm's arrays.
#include <fstream>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

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
