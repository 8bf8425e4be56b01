// attnscope-cli attend --method ... and attnscope-cli stats, checked against independent
// implementations: numpy for fusion and rollout, networkx max-flow (as in the authors' reference
// code for attention flow), and statistics computed here from the golden attentions.
#include <cmath>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/io/safetensors.h"
#include "tests/support/python.h"
#include "tests/support/run_process.h"
#include "tests/support/csv.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
using attnscope::test::read_csv;
using attnscope::test::builtin_model;
using attnscope::test::shared;

namespace {

test::ProcessResult cli(const std::vector<std::string>& args) { return test::run_process(ATTNSCOPE_CLI, args); }

// Runs `base` + `extra` with --out `out` (a .json bundle), expects success and returns the bundle.
nlohmann::json attend_json(std::vector<std::string> args, const std::filesystem::path& out, const std::vector<std::string>& extra) {
  args.insert(args.end(), extra.begin(), extra.end());
  args.insert(args.end(), {"--out", out.string()});
  auto r = cli(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(out);
  return nlohmann::json::parse(in);
}


// Numpy: the exported attentions -> mean/max of the chosen heads, rollout from a start layer.
const char* kNumpyCheck = R"(
import json, sys
import numpy as np
z = np.load(sys.argv[1], allow_pickle=False)
method, heads, start = sys.argv[2], json.loads(sys.argv[3]), int(sys.argv[4])
A = z['attentions'].astype(np.float64)
if heads: A = A[:, heads]
S = A.shape[-1]
if method == 'max':
    want = A.max(1)
    want = want / want.sum(-1, keepdims=True)
    got = z['fused']
elif method == 'rollout':
    want = np.eye(S)
    for a in A[start:].mean(1):
        a = (a + np.eye(S)) / 2
        want = (a / a.sum(-1, keepdims=True)) @ want
    got = z['rollout']
err = abs(got - want).max()
print(err)
assert got.shape == want.shape, (got.shape, want.shape)
assert err < 1e-5, err
)";

// networkx: the layered graph of Abnar & Zuidema (samiraabnar/attention_flow, get_adjmat and
// compute_flows): edge (layer l, token i) -> (l-1, j) with capacity Â_l[i][j], Â = rownorm(Ā + I),
// max-flow from each output node to each input node, each output row normalised.
const char* kNetworkxFlow = R"(
import json, sys
import numpy as np, networkx as nx
z = np.load(sys.argv[1], allow_pickle=False)
heads, start = json.loads(sys.argv[2]), int(sys.argv[3])
A = z['attentions'].astype(np.float64)[start:]
if heads: A = A[:, heads]
a = A.mean(1) + np.eye(A.shape[-1])
a = a / a.sum(-1, keepdims=True)
L, S, _ = a.shape
G = nx.DiGraph()
for l in range(1, L + 1):
    for i in range(S):
        for j in range(S):
            if a[l - 1, i, j] > 0:
                G.add_edge((l, i), (l - 1, j), capacity=a[l - 1, i, j])
want = np.zeros((S, S))
for i in range(S):
    for j in range(S):
        if nx.has_path(G, (L, i), (0, j)):
            want[i, j] = nx.maximum_flow_value(G, (L, i), (0, j))
    want[i] /= want[i].sum()
err = abs(z['flow'] - want).max()
print(err)
assert err < 1e-5, err
)";

}  // namespace

TEST(AnalysisCli, RolloutAndHeadFusionMatchNumpy) {
  REQUIRE_PYTHON("numpy");
  const auto dir = test::scratch_dir("rollout");
  const std::string model = builtin_model("stories260K").string();
  struct Case {
    std::vector<std::string> extra;
    std::string method, heads, start;
  };
  for (const Case& c : {Case{{"--method", "rollout"}, "rollout", "[]", "0"},
                        Case{{"--method", "rollout", "--heads", "1,4-6", "--start-layer", "2"}, "rollout", "[1,4,5,6]", "2"},
                        Case{{"--method", "max", "--heads", "0,7"}, "max", "[0,7]", "0"}}) {
    const auto out = dir / "a.npz";
    std::vector<std::string> args = {"attend", "--model", model, "--text", "Attention is all you need.", "--out", out.string(), "--force"};
    args.insert(args.end(), c.extra.begin(), c.extra.end());
    auto r = cli(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto p = test::run_process("/usr/bin/python3", {"-c", kNumpyCheck, out.string(), c.method, c.heads, c.start});
    EXPECT_EQ(p.exit_code, 0) << c.method << " " << c.heads << ": " << p.out << p.err;
    std::cout << "attend " << c.extra[1] << " heads " << c.heads << " start " << c.start << ": max |C++ - numpy| = " << p.out;
  }
  // The derived map's fields.
  const auto out = dir / "f.json";
  ASSERT_EQ(cli({"attend", "--model", model, "--text", "hello there", "--out", out.string(), "--method", "mean", "--heads", "2,3"}).exit_code, 0);
  std::ifstream in(out);
  const auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j["method"], "mean");
  EXPECT_EQ(j["heads"], nlohmann::json::parse("[2,3]"));
  EXPECT_EQ(j["fused"].size(), 5u);  // [L, S, S]
  EXPECT_EQ(j["fused"][0].size(), j["input_ids"].size());
}

TEST(AnalysisCli, FlowMatchesNetworkxReference) {
  ATTNSCOPE_REQUIRE_SHARED();
  REQUIRE_PYTHON("numpy, networkx");
  const auto dir = test::scratch_dir("flow");
  struct Case {
    std::string model;
    std::vector<std::string> extra;
    std::string heads, start, solves;
  };
  // stories260K is causal (11 tokens: 66 solves on per-row graphs); bert-random is not (9 tokens: 81).
  for (const Case& c : {Case{"stories260K", {}, "[]", "0", "66"}, Case{"stories260K", {"--heads", "0,3", "--start-layer", "1"}, "[0,3]", "1", "66"},
                        Case{"bert-random", {}, "[]", "0", "81"}}) {
    const auto out = dir / "f.npz";
    std::vector<std::string> args = {"attend", "--model", shared("models/" + c.model).string(), "--text", "the cat sat on the mat.",
                                     "--out", out.string(), "--method", "flow", "--force"};
    args.insert(args.end(), c.extra.begin(), c.extra.end());
    auto r = cli(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("attention flow: " + c.solves + " max-flow problems"), std::string::npos) << r.err;
    auto p = test::run_process("/usr/bin/python3", {"-c", kNetworkxFlow, out.string(), c.heads, c.start});
    EXPECT_EQ(p.exit_code, 0) << c.model << ": " << p.out << p.err;
    std::cout << c.model << " flow heads " << c.heads << " start " << c.start << ": max |C++ - networkx| = " << p.out;
  }
}

TEST(AnalysisCli, FlowRefusesLongInputsWithTheEstimate) {
  const auto dir = test::scratch_dir("refuse");
  std::string text;
  for (int i = 0; i < 200; ++i) text += "Once upon a time there was a little girl. ";
  auto r = cli({"attend", "--model", builtin_model("stories260K").string(), "--text", text, "--out", (dir / "x.npz").string(),
                "--method", "flow"});
  EXPECT_EQ(r.exit_code, 4);
  // truncated to the model's 512 positions: 512 * 513 / 2 solves on 6 * 512 nodes
  EXPECT_NE(r.err.find("attention flow over 512 tokens and 5 layers would solve 131,328 max-flow problems on a graph of 3,072 "
                       "nodes and 1,313,280 edges"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("the limit is"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "x.npz"));
}

TEST(AnalysisCli, MethodOptionMistakesAreUsageErrors) {
  const std::string model = builtin_model("stories260K").string();
  const auto out = (test::scratch_dir("usage") / "x.npz").string();
  auto attend = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"attend", "--model", model, "--text", "hi there", "--out", out, "--force"};
    args.insert(args.end(), extra.begin(), extra.end());
    return cli(args);
  };
  EXPECT_EQ(attend({"--method", "median"}).exit_code, 2);
  EXPECT_EQ(attend({"--heads", "1"}).exit_code, 2);  // without --method
  auto r = attend({"--method", "mean", "--start-layer", "1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--start-layer needs --method rollout|flow"), std::string::npos) << r.err;
  r = attend({"--method", "mean", "--heads", "9"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--heads: 9 is out of range (valid: 0-7)"), std::string::npos) << r.err;
  r = attend({"--method", "rollout", "--layers", "0,2"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("layer 1 was not captured"), std::string::npos) << r.err;
  EXPECT_EQ(attend({"--method", "rollout", "--layers", "3,4", "--start-layer", "3"}).exit_code, 0);
  r = attend({"--method", "mean", "--discard-ratio", "0.5"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--discard-ratio needs --method rollout"), std::string::npos) << r.err;
}

TEST(AnalysisCli, RolloutDiscardRatioIsRecordedAndKeepsRowsStochastic) {
  const auto dir = test::scratch_dir("rollout_discard");
  const std::string model = builtin_model("stories260K").string();
  const std::vector<std::string> base = {"attend", "--model", model, "--text", "Attention is all you need.", "--force", "--method", "rollout"};
  const auto run = [&](const std::string& name, const std::vector<std::string>& extra) { return attend_json(base, dir / name, extra); };
  const auto plain = run("plain.json", {});
  const auto discarded = run("discard.json", {"--discard-ratio", "0.5"});
  EXPECT_EQ(discarded["discard_ratio"], 0.5);
  EXPECT_FALSE(plain.contains("discard_ratio"));
  const auto& a = plain["rollout"];
  const auto& b = discarded["rollout"];
  ASSERT_EQ(a.size(), b.size());
  double differs = 0;
  for (size_t i = 0; i < b.size(); ++i) {
    double sum = 0;
    for (size_t j = 0; j < b[i].size(); ++j) {
      sum += b[i][j].get<double>();
      if (j > i) {
        EXPECT_EQ(b[i][j].get<double>(), 0.0) << i << "," << j;  // still causal
      }
      differs = std::max(differs, std::abs(b[i][j].get<double>() - a[i][j].get<double>()));
    }
    EXPECT_NEAR(sum, 1.0, 1e-5) << "row " << i;
  }
  EXPECT_GT(differs, 1e-3);
}

TEST(AnalysisCli, FlowForChosenRowsEqualsThoseRowsOfAllPairs) {
  const auto dir = test::scratch_dir("flow_rows");
  const std::string image = (test::source_dir() / "samples" / "images" / "chelsea.png").string();
  const std::vector<std::string> base = {"attend", "--model", builtin_model("vit-tiny").string(), "--image", image, "--size", "64x64",
                                         "--force", "--method", "flow"};
  const auto run = [&](const std::string& name, const std::vector<std::string>& extra) { return attend_json(base, dir / name, extra); };
  const auto all = run("all.json", {});
  const auto cls = run("cls.json", {"--rows", "0,5"});
  EXPECT_EQ(cls["rows"], nlohmann::json::array({0, 5}));
  ASSERT_EQ(all["flow"].size(), 17u);
  ASSERT_EQ(cls["flow"].size(), 2u);
  for (size_t k = 0; k < 2; ++k)
    for (size_t j = 0; j < 17; ++j)
      EXPECT_NEAR(cls["flow"][k][j].get<double>(), all["flow"][k == 0 ? 0 : 5][j].get<double>(), 1e-6) << k << "," << j;
  EXPECT_EQ(cls["flow_cls"], all["flow_cls"]);  // the CLS row over the 4 x 4 grid
  auto r = cli({"attend", "--model", builtin_model("vit-tiny").string(), "--image", image, "--out", (dir / "x.json").string(),
                "--method", "rollout", "--rows", "0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--rows needs --method flow"), std::string::npos) << r.err;
}

TEST(AnalysisCli, StatsCsvMatchesTheGoldenAttentions) {
  ATTNSCOPE_REQUIRE_SHARED();
  SafetensorsFile g(shared("golden/stories260K/01_cat_mat.safetensors").string());
  const Tensor att = g.tensor("attentions");
  const auto dir = test::scratch_dir("stats");
  auto r = cli({"stats", "--model", builtin_model("stories260K").string(), "--text", g.metadata().at("text"), "--out",
                (dir / "s.csv").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = read_csv(dir / "s.csv");
  ASSERT_EQ(rows.size(), 41u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"layer", "head", "entropy", "entropy_normalized", "mean_distance", "special_mass",
                                               "sink_mass", "previous_token", "self", "induction"}));
  const int64_t H = att.dim(1), S = att.dim(2);
  for (size_t k = 1; k < rows.size(); ++k) {
    ASSERT_EQ(rows[k].size(), 10u) << k;
    const int l = std::stoi(rows[k][0]), h = std::stoi(rows[k][1]);
    EXPECT_EQ(l * 8 + h, static_cast<int>(k - 1));
    double entropy = 0, distance = 0, bos = 0, sink = 0;
    for (int64_t i = 0; i < S; ++i)
      for (int64_t j = 0; j <= i; ++j) {
        const double p = att.data[static_cast<size_t>(((l * H + h) * S + i) * S + j)];
        if (p > 0) entropy -= p * std::log(p);
        distance += p * static_cast<double>(i - j);
        if (j == 0) bos += p;  // <s>, the only special token
        if (j == 0 && i > 0) sink += p;
      }
    // the golden attentions and ours differ by <= 1e-5 (cli_test), so the statistics by far less than 1e-4
    EXPECT_NEAR(std::stod(rows[k][2]), entropy / S, 1e-4) << k;
    EXPECT_NEAR(std::stod(rows[k][4]), distance / S, 1e-4) << k;
    EXPECT_NEAR(std::stod(rows[k][5]), bos / S, 1e-4) << k;
    EXPECT_NEAR(std::stod(rows[k][6]), sink / (S - 1), 1e-4) << k;
    ASSERT_FALSE(rows[k][9].empty()) << "a causal model gets an induction score";
    EXPECT_GE(std::stod(rows[k][9]), 0.0);
    EXPECT_LE(std::stod(rows[k][9]), 1.0);
  }

  r = cli({"stats", "--model", builtin_model("stories260K").string(), "--text", g.metadata().at("text"), "--out",
           (dir / "s.json").string(), "--induction-length", "20", "--induction-samples", "2", "--seed", "7"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(dir / "s.json");
  const auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j["model_type"], "llama");
  EXPECT_EQ(j["tokens"].size(), 11u);
  EXPECT_EQ(j["induction"]["block_length"], 20);
  EXPECT_EQ(j["induction"]["seed"], 7);
  ASSERT_EQ(j["heads"].size(), 40u);
  EXPECT_EQ(j["heads"][9]["layer"], 1);
  EXPECT_EQ(j["heads"][9]["head"], 1);
  EXPECT_NEAR(j["heads"][9]["entropy"].get<double>(), std::stod(rows[10][2]), 1e-12);
  EXPECT_TRUE(j["heads"][9]["induction"].is_number());

  EXPECT_EQ(cli({"stats", "--model", builtin_model("stories260K").string(), "--text", "x", "--out", (dir / "s.txt").string()}).exit_code, 2);
  EXPECT_EQ(cli({"stats", "--model", builtin_model("stories260K").string(), "--out", (dir / "t.csv").string()}).exit_code, 2);
  EXPECT_EQ(cli({"stats", "--model", builtin_model("stories260K").string(), "--text", "x", "--out", (dir / "s.csv").string()}).exit_code,
            5);  // exists, no --force
}

TEST(AnalysisCli, StatsOfEncoderAndImageModelsHaveNoInductionScore) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto dir = test::scratch_dir("noninduction");
  auto r = cli({"stats", "--model", shared("models/bert-random").string(), "--text", "the cat sat on the mat.", "--out",
                (dir / "b.csv").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto rows = read_csv(dir / "b.csv");
  ASSERT_EQ(rows.size(), 1u + 2 * 2);  // 2 layers x 2 heads
  const size_t induction = static_cast<size_t>(std::find(rows[0].begin(), rows[0].end(), "induction") - rows[0].begin());
  ASSERT_LT(induction, rows[0].size());
  for (size_t k = 1; k < rows.size(); ++k) EXPECT_EQ(rows[k][induction], "") << k;

  r = cli({"stats", "--model", shared("models/dino-random").string(), "--image", shared("golden/dino-random/chelsea_input.png").string(),
           "--out", (dir / "d.csv").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  rows = read_csv(dir / "d.csv");
  ASSERT_EQ(rows.size(), 1u + 4 * 3);
  for (size_t k = 1; k < rows.size(); ++k) {
    const double d = std::stod(rows[k][4]);  // pixels between 16-pixel patch centres on a 14 x 14 grid
    EXPECT_GT(d, 0.0);
    EXPECT_LT(d, 13 * 16 * std::sqrt(2.0));
    EXPECT_EQ(rows[k][induction], "");
  }

  r = cli({"attend", "--model", shared("models/dino-random").string(), "--image", shared("golden/dino-random/chelsea_input.png").string(),
           "--out", (dir / "d.json").string(), "--method", "rollout"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(dir / "d.json");
  const auto j = nlohmann::json::parse(in);
  ASSERT_EQ(j["rollout_cls"].size(), 14u);  // the CLS row over the 14 x 14 patches
  EXPECT_EQ(j["rollout_cls"][0].size(), 14u);
  EXPECT_EQ(j["rollout_cls"][2][5], j["rollout"][0][1 + 2 * 14 + 5]);
}
