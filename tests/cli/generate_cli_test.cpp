// attnscope-cli generate: greedy continuations equal the from-scratch PyTorch references'
// (tests/reference/greedy_reference.py, a full forward pass per token, no cache) on the golden
// prompts, sampling is reproducible, and the written arrays hold what they say.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/io/safetensors.h"
#include "tests/support/python.h"
#include "tests/support/run_process.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
using attnscope::test::shared;

namespace {

test::ProcessResult cli(const std::vector<std::string>& args) { return test::run_process(ATTNSCOPE_CLI, args); }

nlohmann::json generate_json(const std::vector<std::string>& args, const std::filesystem::path& out) {
  std::vector<std::string> all = {"generate"};
  all.insert(all.end(), args.begin(), args.end());
  all.insert(all.end(), {"--out", out.string(), "--force"});
  const auto r = cli(all);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(out);
  return nlohmann::json::parse(in);
}

std::string joined(const std::vector<int64_t>& ids) {
  std::string s;
  for (int64_t i : ids) s += (s.empty() ? "" : ",") + std::to_string(i);
  return s;
}

struct ReferenceCase {
  const char* model;
  const char* family;  // the reference script
  int tokens;
  std::vector<int64_t> stops_before;  // ids the reference stops at without writing them
};

void expect_reference_continuations(const ReferenceCase& c) {
  const auto dir = test::scratch_dir(std::string("generate-") + c.model);
  int compared = 0;
  for (const char* name : {"01_cat_mat", "02_attention", "03_long"}) {
    SafetensorsFile g(shared(std::string("golden/") + c.model + "/" + name + ".safetensors").string());
    const std::vector<int64_t> prompt = g.ints("input_ids");
    const nlohmann::json got = generate_json({"--model", shared(std::string("models/") + c.model).string(), "--text",
                                              g.metadata().at("text"), "--max-new-tokens", std::to_string(c.tokens)},
                                             dir / "g.json");
    ASSERT_EQ(got["input_ids"].get<std::vector<int64_t>>(), prompt) << name;
    const auto ids = got["generated_ids"].get<std::vector<int64_t>>();
    const auto r = test::run_process("/usr/bin/python3", {ATTNSCOPE_SOURCE_DIR "/tests/reference/greedy_reference.py",
                                                          shared("").string(), c.family,
                                                          shared(std::string("models/") + c.model).string(), joined(prompt),
                                                          std::to_string(c.tokens)});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto want = nlohmann::json::parse(r.out).get<std::vector<int64_t>>();
    ASSERT_FALSE(want.empty()) << name;
    ASSERT_LE(want.size(), ids.size()) << name;
    EXPECT_EQ(std::vector<int64_t>(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(want.size())), want) << name;
    if (want.size() < ids.size()) {  // the reference stopped at an id it does not write
      const int64_t next = ids[want.size()];
      EXPECT_NE(std::find(c.stops_before.begin(), c.stops_before.end(), next), c.stops_before.end())
          << name << ": the reference stopped before " << next;
    }
    compared += static_cast<int>(want.size());
    std::cout << "  " << c.model << "/" << name << ": " << want.size() << " reference ids equal, ours "
              << ids.size() << " (" << got["stop_reason"].get<std::string>() << ")\n";
  }
  EXPECT_GE(compared, c.tokens * 2);
}

TEST(GenerateCli, GreedyStories260KEqualsLlamaReference) {
  ATTNSCOPE_REQUIRE_SHARED();
  REQUIRE_PYTHON("numpy, torch");
  expect_reference_continuations({"stories260K", "llama", 160, {1, 2}});  // 01 reaches a BOS (1) at 146
}

TEST(GenerateCli, GreedyGpt2EqualsGpt2Reference) {
  ATTNSCOPE_REQUIRE_SHARED();
  REQUIRE_PYTHON("numpy, torch");
  expect_reference_continuations({"gpt2-random", "gpt2", 16, {}});
}

TEST(GenerateCli, ArraysHoldStepsRowsAndCandidates) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto dir = test::scratch_dir("generate-arrays");
  const nlohmann::json j = generate_json({"--model", test::builtin_model("stories260K").string(), "--text", "Once upon a time",
                                          "--max-new-tokens", "12", "--temperature", "0.8", "--top-p", "0.9", "--seed", "5",
                                          "--layers", "1,3", "--candidates", "4"},
                                         dir / "g.json");
  const auto prompt = j["input_ids"].get<std::vector<int64_t>>();
  const auto gen = j["generated_ids"].get<std::vector<int64_t>>();
  ASSERT_EQ(gen.size(), 12u);
  const auto attn = j["step_attentions"];  // [steps, layers, heads, context]
  const auto mask = j["step_mask"];
  ASSERT_EQ(attn.size(), 12u);
  ASSERT_EQ(attn[0].size(), 2u);
  ASSERT_EQ(attn[0][0].size(), 8u);
  const size_t C = prompt.size() + 11;
  ASSERT_EQ(attn[0][0][0].size(), C);
  for (size_t s = 0; s < 12; ++s) {
    const size_t ctx = prompt.size() + s;
    EXPECT_EQ(j["step_context"][s].get<size_t>(), ctx);
    for (size_t c = 0; c < C; ++c) EXPECT_EQ(mask[s][c].get<int>(), c < ctx ? 1 : 0);
    for (size_t l = 0; l < 2; ++l)
      for (size_t h = 0; h < 8; ++h) {
        double sum = 0;
        for (size_t c = 0; c < C; ++c) {
          const double v = attn[s][l][h][c].get<double>();
          if (c >= ctx) {
            EXPECT_EQ(v, 0.0);
          }
          sum += v;
        }
        EXPECT_NEAR(sum, 1.0, 1e-5) << "step " << s << " layer slot " << l << " head " << h;
      }
    // Candidates by probability, descending; the chosen token's probability is its candidate's.
    const auto ids = j["candidate_ids"][s].get<std::vector<int64_t>>();
    const auto probs = j["candidate_probs"][s].get<std::vector<double>>();
    ASSERT_EQ(ids.size(), 4u);
    for (size_t k = 1; k < 4; ++k) EXPECT_GE(probs[k - 1], probs[k]);
    for (size_t k = 0; k < 4; ++k)
      if (ids[k] == gen[s]) {
        EXPECT_NEAR(j["token_probs"][s].get<double>(), probs[k], 1e-7);
      }
  }
  EXPECT_EQ(j["layers"], nlohmann::json::array({1, 3}));
  EXPECT_EQ(j["sampling"]["seed"], 5);
  EXPECT_EQ(j["prompt_tokens"].size(), prompt.size());
  EXPECT_EQ(j["generated_tokens"].size(), 12u);

  // The same seed gives the same tokens; the continuation is on stdout.
  const auto again = generate_json({"--model", test::builtin_model("stories260K").string(), "--text", "Once upon a time",
                                    "--max-new-tokens", "12", "--temperature", "0.8", "--top-p", "0.9", "--seed", "5"},
                                   dir / "again.npz.json");
  EXPECT_EQ(again["generated_ids"].get<std::vector<int64_t>>(), gen);
  const auto r = cli({"generate", "--model", test::builtin_model("stories260K").string(), "--text", "Once upon a time",
                      "--max-new-tokens", "12", "--out", (dir / "g.npz").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("there was"), std::string::npos) << r.out;
}

TEST(GenerateCli, RefusesWhatCannotGenerate) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto dir = test::scratch_dir("generate-refuse");
  auto r = cli({"generate", "--model", shared("models/bert-random").string(), "--text", "hello", "--out", (dir / "g.npz").string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("causal language model"), std::string::npos) << r.err;
  r = cli({"generate", "--model", test::builtin_model("stories260K").string(), "--text", "hi", "--top-k", "5", "--out",
           (dir / "g.npz").string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--temperature"), std::string::npos) << r.err;
}

}  // namespace
