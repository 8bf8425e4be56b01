// attnscope-cli bench and attend --attention-f16, end to end.
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/io/safetensors.h"
#include "tests/support/golden.h"
#include "tests/support/run_process.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
using attnscope::test::builtin_model;
using attnscope::test::shared;

namespace {

test::ProcessResult cli(const std::vector<std::string>& args) { return test::run_process(ATTNSCOPE_CLI, args); }

}  // namespace

TEST(BenchCli, SyntheticModelAsJson) {
  auto r = cli({"bench", "--synthetic", "bert-tiny", "--seq", "32", "--iters", "3", "--threads", "1", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["model"], "synthetic:bert-tiny");
  EXPECT_EQ(j["seq_len"], 32);
  EXPECT_EQ(j["threads"], 1);
  EXPECT_EQ(j["seconds"].size(), 3u);
  EXPECT_LE(j["min_seconds"].get<double>(), j["median_seconds"].get<double>());
  EXPECT_LE(j["median_seconds"].get<double>(), j["max_seconds"].get<double>());
  EXPECT_GT(j["gflops"].get<double>(), 0.0);
  EXPECT_EQ(j["attention_bytes"], 2 * 2 * 32 * 32 * 4);  // 2 layers x 2 heads x 32^2 float32
  EXPECT_EQ(j["attention_dtype"], "F32");
  EXPECT_GT(j["peak_rss_bytes"].get<double>(), 0.0);

  auto half = cli({"bench", "--synthetic", "bert-tiny", "--seq", "32", "--iters", "1", "--layers", "1", "--attention-f16", "--json"});
  ASSERT_EQ(half.exit_code, 0) << half.err;
  const auto h = nlohmann::json::parse(half.out);
  EXPECT_EQ(h["attention_bytes"], 1 * 2 * 32 * 32 * 2);
  EXPECT_EQ(h["attention_dtype"], "F16");

  auto text = cli({"bench", "--synthetic", "vit-tiny-16", "--image-size", "64", "--iters", "1"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("17 tokens (64x64 image)"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("GFLOP/s"), std::string::npos) << text.out;
}

TEST(BenchCli, QueryKeysInsteadOfMapsAndTheTimeToRecomputeAHead) {
  // bert-tiny: 2 layers, 2 heads of 64; 300 tokens.
  auto r = cli({"bench", "--synthetic", "bert-tiny", "--seq", "300", "--iters", "1", "--query-keys", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["attention_kept_as"], "query_keys");
  EXPECT_EQ(j["captured_layers"], 2);
  EXPECT_EQ(j["attention_bytes"], 2 * 300 * 64 * (2 + 2) * 4);  // layers x S x d x (H + Hkv) float32, not 2 x 2 x 300^2
  ASSERT_EQ(j["head_map_seconds"].size(), 8u);
  EXPECT_GT(j["head_map_median_seconds"].get<double>(), 0.0);

  auto text = cli({"bench", "--synthetic", "bert-tiny", "--seq", "64", "--iters", "1", "--query-keys"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("attention kept as queries and keys: 128.0 KiB (2 layers)"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("a head's whole map recomputed (1 thread): median"), std::string::npos) << text.out;
}

TEST(BenchCli, GemmPeak) {
  auto r = cli({"bench", "--gemm", "--gemm-size", "128", "--iters", "2", "--threads", "1", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["gemm"], nlohmann::json({128, 128, 128}));
  EXPECT_GT(j["gflops"].get<double>(), 0.0);
}

TEST(BenchCli, UsageErrors) {
  EXPECT_EQ(cli({"bench"}).exit_code, 2);
  EXPECT_EQ(cli({"bench", "--synthetic", "bert-huge"}).exit_code, 2);
  EXPECT_EQ(cli({"bench", "--synthetic", "bert-tiny", "--model", "x"}).exit_code, 2);
  EXPECT_EQ(cli({"bench", "--synthetic", "bert-tiny", "--seq", "600"}).exit_code, 2);  // over 512 positions
  EXPECT_EQ(cli({"bench", "--synthetic", "bert-tiny", "--image-size", "224"}).exit_code, 2);
  EXPECT_EQ(cli({"bench", "--gemm", "--synthetic", "bert-tiny"}).exit_code, 2);
}

TEST(BenchCli, RealModelFolder) {
  auto r = cli({"bench", "--model", builtin_model("stories260K").string(), "--seq", "64", "--iters", "1", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["model_type"], "llama");
  EXPECT_EQ(j["seq_len"], 64);
  EXPECT_EQ(j["attention_bytes"], 5 * 8 * 64 * 64 * 4);
  EXPECT_GE(j["open_seconds"].get<double>(), 0.0);
}

TEST(AttendCli, AttentionF16WritesHalfPrecisionWithinTolerance) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto out = test::scratch_dir("attend_f16");
  SafetensorsFile g(shared("golden/bert-random/03_long.safetensors").string());
  const std::string text = g.metadata().at("text");
  for (const char* ext : {".safetensors", ".npz", ".json"}) {
    auto r = cli({"attend", "--model", shared("models/bert-random").string(), "--text", text, "--attention-f16", "--out",
                  (out / (std::string("a") + ext)).string(), "--force"});
    ASSERT_EQ(r.exit_code, 0) << ext << ": " << r.err;
  }
  SafetensorsFile f((out / "a.safetensors").string());
  const TensorInfo* t = f.find("attentions");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->dtype, DType::F16);
  EXPECT_LE(test::max_abs_diff(f.tensor("attentions"), g.tensor("attentions"), "attentions"), 1e-3);
  const auto j = nlohmann::json::parse(std::ifstream(out / "a.json"));
  const Tensor want = g.tensor("attentions");
  const auto& row = j["attentions"][1][0][3];  // layer 1, head 0, query 3
  const int64_t S = want.dim(2);
  ASSERT_EQ(static_cast<int64_t>(row.size()), S);
  for (int64_t k = 0; k < S; ++k)
    EXPECT_NEAR(row[static_cast<size_t>(k)].get<double>(), want.data[static_cast<size_t>(((1 * want.dim(1) + 0) * S + 3) * S + k)], 1e-3);
}
