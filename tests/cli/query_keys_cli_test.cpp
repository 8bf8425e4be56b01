// attnscope-cli attend --keep query-keys|auto: what a run keeps instead of maps, and the rollout of
// one token made from it.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/io/safetensors.h"
#include "core/pipeline/analyzer.h"
#include "core/pipeline/memory_budget.h"
#include "tests/support/run_process.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
using attnscope::test::shared;

namespace {

test::ProcessResult cli(const std::vector<std::string>& args) { return test::run_process(ATTNSCOPE_CLI, args); }

nlohmann::json field(const SafetensorsFile& f, const std::string& name) { return nlohmann::json::parse(f.metadata().at(name)); }

}  // namespace

TEST(QueryKeysCli, KeepsQueriesAndKeysAndRollsOutOneToken) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto dir = test::scratch_dir("query-keys-cli");
  const std::string model = shared("models/qwen2-random").string();  // 2 layers, 4 heads, 2 kv heads of 16
  std::string text;
  for (int i = 0; i < 20; ++i) text += "Once upon a time there was a little girl named Lily. ";
  const auto qk = dir / "qk.safetensors", full = dir / "full.safetensors";
  auto r = cli({"attend", "--model", model, "--text", text, "--keep", "query-keys", "--method", "rollout", "--query", "200",
                "--out", qk.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("2 layers kept as queries and keys"), std::string::npos) << r.err;
  r = cli({"attend", "--model", model, "--text", text, "--method", "rollout", "--query", "200", "--out", full.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  SafetensorsFile a(qk.string()), b(full.string());
  EXPECT_FALSE(a.find("attentions"));
  EXPECT_EQ(a.metadata().at("attention_kept_as"), "query_keys");  // strings are stored as they are
  const auto params = field(a, "query_key_layers");
  ASSERT_EQ(params.size(), 2u);
  EXPECT_EQ(params[1]["layer"], 1);
  EXPECT_EQ(params[1]["causal"], true);
  const int64_t S = b.tensor("attentions").shape[2];
  ASSERT_GT(S, 256);
  EXPECT_EQ(a.tensor("queries.1").shape, (Shape{S, 4 * 16}));
  EXPECT_EQ(a.tensor("keys.0").shape, (Shape{S, 2 * 16}));
  EXPECT_EQ(field(a, "query"), 200);

  // The row from queries and keys against the same row of the full rollout of the maps.
  const Tensor ra = a.tensor("rollout_row"), rb = b.tensor("rollout_row"), whole = b.tensor("rollout");
  ASSERT_EQ(ra.shape, (Shape{S}));
  double sum = 0;
  for (int64_t j = 0; j < S; ++j) {
    EXPECT_NEAR(ra.data[size_t(j)], rb.data[size_t(j)], 1e-6) << j;
    EXPECT_EQ(rb.data[size_t(j)], whole.data[size_t(200 * S + j)]) << j;
    if (j > 200) {
      EXPECT_EQ(ra.data[size_t(j)], 0.0f) << j;
    }
    sum += ra.data[size_t(j)];
  }
  EXPECT_NEAR(sum, 1.0, 1e-5);

  // The maps recomputed from what was written equal the captured maps: head 3 of layer 1, by the
  // parameters the file gives (causal, scale), in double.
  const Tensor q = a.tensor("queries.1"), k = a.tensor("keys.1"), maps = b.tensor("attentions");
  const double scale = params[1]["scale_divisor"].get<double>();
  for (int64_t i : {int64_t(0), int64_t(150), S - 1}) {
    std::vector<double> s(size_t(i + 1));
    double m = -1e300, z = 0;
    for (int64_t j = 0; j <= i; ++j) {
      double dot = 0;
      for (int t = 0; t < 16; ++t) dot += double(q.data[size_t(i * 64 + 3 * 16 + t)]) * k.data[size_t(j * 32 + 1 * 16 + t)];
      s[size_t(j)] = dot / scale;
      m = std::max(m, s[size_t(j)]);
    }
    for (auto& v : s) z += (v = std::exp(v - m));
    for (int64_t j = 0; j <= i; ++j) EXPECT_NEAR(s[size_t(j)] / z, maps.data[size_t(((1 * 4 + 3) * S + i) * S + j)], 1e-6);
  }
}

TEST(QueryKeysCli, AutoKeepsQueriesAndKeysPastTheBudgetAndRefusesMapMethods) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto dir = test::scratch_dir("query-keys-auto");
  const std::string model = shared("models/gpt2-random").string();
  std::string text;
  for (int i = 0; i < 30; ++i) text += "Once upon a time there was a little girl named Lily. ";
  const auto analyzer = Analyzer::open(model);
  AnalysisRequest req;
  req.text = text;
  const int64_t S = analyzer->run(req).seq_len();
  ForwardOptions opt;
  const uint64_t maps = estimate_run_memory(analyzer->info(), S, opt).total();
  const std::string budget = std::to_string(maps - 1);

  const auto out = dir / "auto.safetensors";
  auto r = cli({"attend", "--model", model, "--text", text, "--keep", "auto", "--memory-budget", budget, "--out", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(SafetensorsFile(out.string()).metadata().at("attention_kept_as"), "query_keys");
  r = cli({"attend", "--model", model, "--text", text, "--keep", "auto", "--out", out.string(), "--force"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(SafetensorsFile(out.string()).find("attentions"));  // they fit half the RAM

  r = cli({"attend", "--model", model, "--text", text, "--keep", "query-keys", "--method", "flow", "--out", out.string(), "--force"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--method flow needs the maps"), std::string::npos) << r.err;
  r = cli({"attend", "--model", model, "--text", text, "--keep", "query-keys", "--method", "rollout", "--out", out.string(), "--force"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("add --query N"), std::string::npos) << r.err;
  r = cli({"attend", "--model", model, "--text", text, "--query", "3", "--out", out.string(), "--force"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--query needs --method rollout"), std::string::npos) << r.err;
}
