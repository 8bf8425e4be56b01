// The tokenizer.json engine's own contracts, on the built-in stories260K tokenizer (no ../shared
// needed): errors that name the file and the JSON path, byte tokens shown as the characters they
// hold, and the older-file converters. Equality with Hugging Face's library is tokenizer_diff's job.
#include <gtest/gtest.h>

#include <functional>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/io/json_file.h"
#include "core/tokenizers/tokenizer.h"
#include "tests/support/shared_data.h"

using namespace attnscope;

namespace {

nlohmann::json stories_json() {
  return read_json_file(test::builtin_model("stories260K") / "tokenizer.json", "tokenizer.json", kMaxTokenizerFileBytes);
}

std::string model_error(const std::function<void(nlohmann::json&)>& edit) {
  nlohmann::json tj = stories_json();
  edit(tj);
  try {
    Tokenizer::from_json(tj, "tokenizer.json");
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Model) << e.what();
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(TokenizerEngine, MalformedFilesNameTheJsonPath) {
  EXPECT_EQ(model_error([](nlohmann::json& tj) { tj["normalizer"]["normalizers"][1]["pattern"] = {{"Regex", "(["}}; }).rfind(
                "tokenizer.json: normalizer.normalizers[1].pattern.Regex: the regular expression does not compile", 0),
            0u);
  EXPECT_EQ(model_error([](nlohmann::json& tj) {
              tj["pre_tokenizer"] = {{"type", "Split"}, {"pattern", {{"String", " "}}}, {"behavior", "Sideways"}};
            }),
            "tokenizer.json: pre_tokenizer.behavior: unknown behavior 'Sideways' (Removed, Isolated, MergedWithPrevious, "
            "MergedWithNext, Contiguous)");
  EXPECT_EQ(model_error([](nlohmann::json& tj) { tj["model"]["merges"][3] = 7; }),
            "tokenizer.json: model.merges[3]: is neither \"left right\" nor [left, right]");
  EXPECT_EQ(model_error([](nlohmann::json& tj) { tj["model"]["type"] = "Charades"; }),
            "tokenizer.json: model.type: tokenizer model 'Charades' is not supported (BPE, WordPiece, Unigram, WordLevel)");
  EXPECT_EQ(model_error([](nlohmann::json& tj) { tj["decoder"]["decoders"][0] = {{"type", "Replace"}, {"content", " "}}; }),
            "tokenizer.json: decoder.decoders[0]: has no \"pattern\"");
  EXPECT_EQ(model_error([](nlohmann::json& tj) { tj["normalizer"] = {{"type", "Precompiled"}, {"precompiled_charsmap", "!!"}}; }),
            "tokenizer.json: normalizer.precompiled_charsmap: is not base64");
  EXPECT_EQ(model_error([](nlohmann::json& tj) { tj["normalizer"] = {{"type", "Precompiled"}, {"precompiled_charsmap", "/////w=="}}; }),
            "tokenizer.json: normalizer.precompiled_charsmap: declares a 4294967295-byte trie in 4 bytes");
  EXPECT_EQ(model_error([](nlohmann::json& tj) { tj.erase("model"); }), "tokenizer.json: no 'model' object");
}

TEST(TokenizerEngine, ByteFallbackTokensShowTheCharacterTheyHold) {
  const auto tok = load_tokenizer(test::builtin_model("stories260K"), "llama");
  const std::string text = "Lily \xF0\x9F\x90\xB1.";  // "Lily 🐱."
  const Encoding e = tok->encode(text);
  ASSERT_EQ(e.tokens.size(), 8u);  // <s> ▁Lily ▁ <0xF0> <0x9F> <0x90> <0xB1> .
  const auto shown = tok->display_tokens(e.tokens);
  EXPECT_EQ(shown[1], " Lily");
  for (size_t k = 0; k < 4; ++k) {
    const Token& t = e.tokens[3 + k];
    EXPECT_EQ(t.text.rfind("<0x", 0), 0u) << t.text;  // the vocabulary entry stays the raw one
    EXPECT_EQ(t.begin, 5u);  // every byte spans the whole character, as HF reports it
    EXPECT_EQ(t.end, 9u);
    EXPECT_EQ(shown[3 + k], "\xF0\x9F\x90\xB1 (" + std::to_string(k + 1) + "/4)");
  }
  EXPECT_EQ(shown[7], ".");
  EXPECT_EQ(tok->decode(e.ids()), "Lily \xF0\x9F\x90\xB1.");
  // A byte that is a character by itself reads as that character, not as <0x41>.
  EXPECT_EQ(tok->display_tokens({Token{*tok->token_id("<0x41>"), "<0x41>", 0, 1, 0, 0, false}})[0], "A");
}

TEST(TokenizerEngine, TokenizerConfigAddsBosWhereTheTemplateDoesNot) {
  nlohmann::json tj = stories_json();
  tj["post_processor"] = nullptr;
  const auto plain = Tokenizer::from_json(tj, "tokenizer.json");
  EXPECT_NE(plain->encode("Lily").tokens.front().text, "<s>");
  const auto with_bos = Tokenizer::from_json(tj, "tokenizer.json", {{"add_bos_token", true}, {"bos_token", "<s>"}});
  EXPECT_EQ(with_bos->encode("Lily").tokens.front().text, "<s>");
  EXPECT_EQ(with_bos->encode("Lily").tokens.size(), plain->encode("Lily").tokens.size() + 1);
  // Already in the template: not added twice.
  const auto stories = Tokenizer::from_json(stories_json(), "tokenizer.json", {{"add_bos_token", true}, {"bos_token", "<s>"}});
  EXPECT_EQ(stories->encode("Lily").tokens.size(), with_bos->encode("Lily").tokens.size());
}
