// attnscope-cli tokenize: ids, tokens, shown text and offsets of a model folder's tokenizer or a
// lone tokenizer.json, as text or JSON; its usage errors. (tokenizer_diff checks the ids against
// Hugging Face's library; these check the command itself, on the built-in stories260K.)
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/bad_inputs.h"
#include "tests/support/run_process.h"
#include "tests/support/shared_data.h"

using namespace attnscope;

namespace {
test::ProcessResult cli(const std::vector<std::string>& args) { return test::run_process(ATTNSCOPE_CLI, args); }
}  // namespace

TEST(TokenizeCli, JsonGivesIdsTokensShownTextAndBothOffsets) {
  const auto r = cli({"tokenize", "--model", "builtin:stories260K", "--text", "Lily \xF0\x9F\x90\xB1.", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const auto ids = j.at("ids").get<std::vector<int64_t>>();
  ASSERT_EQ(ids.size(), 8u);
  EXPECT_EQ(ids.front(), 1);  // <s> from the template
  EXPECT_EQ(j["tokens"][3], "<0xF0>");
  EXPECT_EQ(j["display"][3], "\xF0\x9F\x90\xB1 (1/4)");
  EXPECT_EQ(j["offsets"][3], nlohmann::json({5, 9}));       // bytes
  EXPECT_EQ(j["char_offsets"][3], nlohmann::json({5, 6}));  // code points, as HF's bindings give them
  EXPECT_EQ(j["decoded"], "Lily \xF0\x9F\x90\xB1.");
  EXPECT_EQ(j["special"][0], true);

  const auto plain = cli({"tokenize", "--model", "builtin:stories260K", "--text", "Lily \xF0\x9F\x90\xB1.", "--json", "--no-special"});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(nlohmann::json::parse(plain.out)["ids"].size(), 7u);
}

TEST(TokenizeCli, LoneTokenizerFileAndJsonLines) {
  const auto dir = test::scratch_dir("tokenize_cli");
  test::write_file(dir / "inputs.jsonl", "\"Lily\"\n\"one\\ntwo\"\n");
  const auto r = cli({"tokenize", "--tokenizer", (test::builtin_model("stories260K") / "tokenizer.json").string(), "--text-file",
                      (dir / "inputs.jsonl").string(), "--jsonl"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto nl = r.out.find('\n');
  ASSERT_NE(nl, std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(r.out.substr(0, nl))["decoded"], "Lily");
  EXPECT_EQ(nlohmann::json::parse(r.out.substr(nl + 1))["decoded"], "one\ntwo");

  const auto table = cli({"tokenize", "--model", "builtin:stories260K", "--text", "Lily"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("SentencePiece BPE, 2 tokens"), std::string::npos) << table.out;  // <s> ▁Lily
}

TEST(TokenizeCli, UsageErrors) {
  EXPECT_EQ(cli({"tokenize", "--text", "x"}).exit_code, 2);
  const auto both = cli({"tokenize", "--model", "builtin:stories260K", "--tokenizer", "t.json", "--text", "x"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("either --model or --tokenizer"), std::string::npos) << both.err;
  const auto dir = test::scratch_dir("tokenize_cli_bad");
  test::write_file(dir / "tokenizer.json", "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [\"a\"]}}");
  const auto bad = cli({"tokenize", "--tokenizer", (dir / "tokenizer.json").string(), "--text", "x"});
  EXPECT_EQ(bad.exit_code, 3);
  EXPECT_NE(bad.err.find("tokenizer.json: model.merges[0]: is not \"left right\""), std::string::npos) << bad.err;
}
