// attnscope-cli with T5 and DINOv2: attend writes the three T5 stacks under transformers' names
// and matches the goldens through the binary; usage errors name the missing option.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/io/safetensors.h"
#include "tests/support/golden.h"
#include "tests/support/run_process.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
using attnscope::test::shared;

namespace {

test::ProcessResult cli(const std::vector<std::string>& args) { return test::run_process(ATTNSCOPE_CLI, args); }
std::string model(const std::string& name) { return shared("models/" + name).string(); }

}  // namespace

TEST(Seq2SeqCli, AttendT5WritesEveryStackAndMatchesTheGoldens) {
  ATTNSCOPE_REQUIRE_SHARED();
  for (const char* name : {"01_translate", "03_generate"}) {
    SafetensorsFile g(shared(std::string("golden/t5-random/") + name + ".safetensors").string());
    const std::string out = (test::scratch_dir(std::string("t5cli_") + name) / "out.safetensors").string();
    std::vector<std::string> args = {"attend", "--model", model("t5-random"), "--text", g.metadata().at("text"), "--out", out,
                                     "--hidden-states"};
    if (g.metadata().count("target")) args.insert(args.end(), {"--target", g.metadata().at("target")});
    else args.insert(args.end(), {"--generate", g.metadata().at("generate")});
    auto r = cli(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("decoder positions"), std::string::npos) << r.err;
    SafetensorsFile f(out);
    for (const std::string t : {"encoder_attentions", "decoder_attentions", "cross_attentions"})
      EXPECT_LE(test::max_abs_diff(f.tensor(t), g.tensor(t), t), 1e-5) << t;
    for (const std::string t : {"encoder_hidden_states", "decoder_hidden_states", "encoder_last_hidden_state",
                                "decoder_last_hidden_state", "logits"})
      EXPECT_LE(test::max_abs_diff(f.tensor(t), g.tensor(t), t), 1e-4) << t;
    EXPECT_EQ(f.ints("input_ids"), g.ints("input_ids"));
    EXPECT_EQ(f.ints("decoder_input_ids"), g.ints("decoder_input_ids"));
    const std::string ids = g.find("labels") ? "labels" : "generated_ids";
    EXPECT_EQ(f.ints(ids), g.ints(ids)) << ids;
    // Tokens and offsets of both sides.
    const auto offsets = nlohmann::json::parse(f.metadata().at("offsets"));
    EXPECT_EQ(offsets.size(), g.ints("input_ids").size());
    EXPECT_EQ(nlohmann::json::parse(f.metadata().at("decoder_tokens")).size(), g.ints("decoder_input_ids").size());
    if (ids == "labels") {
      EXPECT_EQ(nlohmann::json::parse(f.metadata().at("target_offsets")).size(), g.ints("labels").size());
    }
  }
}

TEST(Seq2SeqCli, T5NeedsATargetOrGeneration) {
  ATTNSCOPE_REQUIRE_SHARED();
  const std::string out = (test::scratch_dir("t5cli_usage") / "out.safetensors").string();
  auto r = cli({"attend", "--model", model("t5-random"), "--text", "hello", "--out", out});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--target"), std::string::npos) << r.err;
  r = cli({"attend", "--model", model("bert-random"), "--text", "hello", "--target", "x", "--out", out});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("encoder-decoder"), std::string::npos) << r.err;
}

TEST(Seq2SeqCli, AttendDinov2WithRegistersLabelsThem) {
  ATTNSCOPE_REQUIRE_SHARED();
  const std::string out = (test::scratch_dir("dinov2cli") / "out.safetensors").string();
  auto r = cli({"attend", "--model", model("dinov2-reg-random"), "--image", shared("samples/images/coffee.png").string(), "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  SafetensorsFile f(out);
  SafetensorsFile g(shared("golden/dinov2-reg-random/coffee.safetensors").string());
  EXPECT_LE(test::max_abs_diff(f.tensor("attentions"), g.tensor("attentions"), "attentions"), 1e-5);
  const auto tokens = nlohmann::json::parse(f.metadata().at("tokens"));
  ASSERT_GE(tokens.size(), 6u);
  EXPECT_EQ(tokens[1], "[REG0]");
  EXPECT_EQ(tokens[4], "[REG3]");
  EXPECT_EQ(nlohmann::json::parse(f.metadata().at("prefix_tokens")), 5);
}
