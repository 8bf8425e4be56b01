// attnscope-cli explain and cost, end to end: the JSON against the goldens' attention rows and
// against Σ_j w_j v_j recomputed here from the written vectors; the CSV's rows and measurements.
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/io/safetensors.h"
#include "tests/support/run_process.h"
#include "tests/support/csv.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
using attnscope::test::read_csv;
using attnscope::test::builtin_model;
using attnscope::test::shared;

namespace {

test::ProcessResult cli(const std::vector<std::string>& args) { return test::run_process(ATTNSCOPE_CLI, args); }

nlohmann::json read_json(const std::filesystem::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

// The explained steps must be self-consistent: weights = softmax of the scaled scores over the
// mask, output = Σ_j w_j v_j, scaled = raw / D, raw = q . k_j (recomputed here in double; the
// model's float32 steps agree to float32 rounding); and the weights must equal row `query` of
// head `head` of the golden attentions [L, H, S, S] at `layer`. Returns max |weights - golden|.
double check_explanation(const nlohmann::json& j, const Tensor& golden, int layer, int head, int query) {
  const int S = j["seq_len"], d = j["head_dim"];
  const double D = j["scale_divisor"];
  EXPECT_EQ(j["layer"], layer);
  EXPECT_EQ(j["head"], head);
  EXPECT_EQ(j["query"], query);
  EXPECT_EQ(j["keys"].size(), static_cast<size_t>(S));
  EXPECT_EQ(j["values"][0].size(), static_cast<size_t>(d));
  double m = -INFINITY, z = 0;
  for (int k = 0; k < S; ++k)
    if (j["mask"][k] == 1) m = std::max(m, j["scaled_scores"][k].get<double>());
  for (int k = 0; k < S; ++k)
    if (j["mask"][k] == 1) z += std::exp(j["scaled_scores"][k].get<double>() - m);
  double worst = 0;
  for (int k = 0; k < S; ++k) {
    const double w = j["weights"][k];
    const double want = j["mask"][k] == 1 ? std::exp(j["scaled_scores"][k].get<double>() - m) / z : 0.0;
    EXPECT_NEAR(w, want, 1e-6);
    EXPECT_NEAR(j["scaled_scores"][k].get<double>(), j["raw_scores"][k].get<double>() / D,
                1e-5 * std::max(1.0, std::abs(j["raw_scores"][k].get<double>())));
    double qk = 0;
    for (int c = 0; c < d; ++c) qk += j["q"][c].get<double>() * j["keys"][k][c].get<double>();
    EXPECT_NEAR(j["raw_scores"][k].get<double>(), qk, 1e-5 * std::max(1.0, std::abs(qk)));
    const int64_t H = golden.shape[1];
    const float g = golden.data[((static_cast<size_t>(layer) * H + head) * S + query) * S + k];
    worst = std::max(worst, std::abs(w - g));
  }
  for (int c = 0; c < d; ++c) {
    double o = 0;
    for (int k = 0; k < S; ++k) o += j["weights"][k].get<double>() * j["values"][k][c].get<double>();
    EXPECT_NEAR(j["output"][c].get<double>(), o, 1e-6);
  }
  return worst;
}

}  // namespace

TEST(CliExplain, GroupedQueryHeadOfStories260KMatchesTheGolden) {
  ATTNSCOPE_REQUIRE_SHARED();
  SafetensorsFile g(shared("golden/stories260K/01_cat_mat.safetensors").string());
  const auto out = test::scratch_dir("explain-llama") / "steps.json";
  auto r = cli({"explain", "--model", builtin_model("stories260K").string(), "--text", g.metadata().at("text"), "--layer",
                "2", "--head", "3", "--query", "7", "--out", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = read_json(out);
  EXPECT_EQ(j["model_type"], "llama");
  EXPECT_EQ(j["kv_head"], 1);  // 8 query heads over 4 kv heads: head 3 reads kv head 1
  EXPECT_EQ(j["tokens"].size(), 11u);
  EXPECT_EQ(j["query_token"], j["tokens"][7]);
  EXPECT_TRUE(j["causal"].get<bool>());
  for (int k = 0; k < 11; ++k) EXPECT_EQ(j["mask"][k], k <= 7 ? 1 : 0);
  const double d = check_explanation(j, g.tensor("attentions"), 2, 3, 7);
  std::cout << "  stories260K layer 2 head 3 query 7: max |weights - golden| " << d << "\n";
  EXPECT_LE(d, 1e-5);
  ASSERT_EQ(j["alternatives"].size(), 4u);
  EXPECT_EQ(j["alternatives"][0]["function"], "scaled_dot");
  EXPECT_EQ(j["alternatives"][0]["weights"], j["weights"]);  // T = 1: the model's own weights
  EXPECT_EQ(j["alternatives"][2]["function"], "cosine");
  EXPECT_EQ(j["alternatives"][3]["function"], "neg_squared_distance");

  // The temperature flattens the compared distributions.
  const auto hot = test::scratch_dir("explain-llama-hot") / "steps.json";
  r = cli({"explain", "--model", builtin_model("stories260K").string(), "--text", g.metadata().at("text"), "--layer", "2",
           "--head", "3", "--query", "7", "--temperature", "4", "--out", hot.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json h = read_json(hot);
  EXPECT_EQ(h["temperature"], 4.0);
  EXPECT_EQ(h["weights"], j["weights"]);
  EXPECT_GT(h["alternatives"][0]["entropy"].get<double>(), j["alternatives"][0]["entropy"].get<double>());
}

TEST(CliExplain, ImageModelHeadMatchesTheGolden) {
  ATTNSCOPE_REQUIRE_SHARED();
  SafetensorsFile g(shared("golden/vit-tiny-patch16-224/chelsea.safetensors").string());
  const auto out = test::scratch_dir("explain-vit") / "steps.json";
  auto r = cli({"explain", "--model", shared("models/vit-tiny-patch16-224").string(), "--image",
                shared("samples/images/chelsea.png").string(), "--layer", "11", "--head", "1", "--query", "0", "--out",
                out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = read_json(out);
  EXPECT_EQ(j["seq_len"], 197);
  EXPECT_EQ(j["query_token"], "[CLS]");
  EXPECT_FALSE(j["causal"].get<bool>());
  const double d = check_explanation(j, g.tensor("attentions"), 11, 1, 0);
  std::cout << "  vit-tiny layer 11 head 1 query 0 (CLS): max |weights - golden| " << d << "\n";
  EXPECT_LE(d, 1e-5);
}

TEST(CliExplain, RejectsOutOfRangeRequests) {
  const auto dir = test::scratch_dir("explain-errors");
  const std::string model = builtin_model("stories260K").string();
  auto run = [&](const std::vector<std::string>& extra, const std::string& file = "x.json") {
    std::vector<std::string> args = {"explain", "--model", model, "--text", "the cat", "--out", (dir / file).string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return cli(args);
  };
  auto r = run({"--layer", "5", "--head", "0", "--query", "0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--layer: 5 is out of range (valid: 0-4)"), std::string::npos) << r.err;
  r = run({"--layer", "0", "--head", "8", "--query", "0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--head: 8 is out of range (valid: 0-7)"), std::string::npos) << r.err;
  r = run({"--layer", "0", "--head", "0", "--query", "40"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("query token 40 is out of range"), std::string::npos) << r.err;
  r = run({"--layer", "0", "--head", "0", "--query", "0"}, "x.csv");
  EXPECT_EQ(r.exit_code, 2);
  r = run({"--layer", "0", "--head", "0"});
  EXPECT_EQ(r.exit_code, 2);  // --query is required
  EXPECT_FALSE(std::filesystem::exists(dir / "x.json"));
}

TEST(CliCost, AnalyticRowsForEveryPowerOfTwo) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto out = test::scratch_dir("cost-analytic") / "cost.csv";
  auto r = cli({"cost", "--model", shared("models/bert-random").string(), "--max-seq", "100", "--out", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = read_csv(out);
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0][0], "seq_len");
  std::set<std::string> lengths;
  for (size_t i = 1; i < rows.size(); ++i) {
    lengths.insert(rows[i][0]);
    EXPECT_EQ(rows[i][1], "all");
    EXPECT_TRUE(rows[i][7].empty());  // nothing measured
  }
  EXPECT_EQ(lengths, (std::set<std::string>{"8", "16", "32", "64"}));
  EXPECT_EQ(rows.size(), 1u + 4 * (8 + 4));

  r = cli({"cost", "--model", shared("models/bert-random").string(), "--out", out.string()});
  EXPECT_EQ(r.exit_code, 5);  // exists, no --force
  r = cli({"cost", "--model", shared("models/bert-random").string(), "--out", (out.parent_path() / "c.json").string()});
  EXPECT_EQ(r.exit_code, 2);
}

TEST(CliCost, MeasureWritesTimesOfRealRuns) {
  const auto out = test::scratch_dir("cost-measured") / "cost.csv";
  auto r = cli({"cost", "--model", builtin_model("stories260K").string(), "--max-seq", "32", "--measure", "--repeats", "1",
                "--out", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = read_csv(out);
  int per_layer = 0;
  std::set<std::string> layers;
  for (size_t i = 1; i < rows.size(); ++i) {
    const auto& row = rows[i];
    if (row[1] != "all") {
      ++per_layer;
      layers.insert(row[1]);
      ASSERT_FALSE(row[7].empty());
      EXPECT_GT(std::stod(row[7]), 0.0);
    }
    if (row[1] == "all" && row[2] == "total") {
      EXPECT_GT(std::stod(row[7]), 0.0);
    }
  }
  EXPECT_EQ(layers, (std::set<std::string>{"0", "1", "2", "3", "4"}));
  EXPECT_EQ(per_layer, 3 * 5 * 8);  // lengths 8, 16, 32
}
