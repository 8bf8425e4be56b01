// The Llama/SentencePiece-style BPE of stories260K: exact ids and character spans.
#include <gtest/gtest.h>

#include "core/tokenizers/tokenizer.h"
#include "core/io/safetensors.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
using attnscope::test::builtin_model;
using attnscope::test::shared;

namespace {
std::unique_ptr<Tokenizer> stories() { return load_tokenizer(builtin_model("stories260K"), "llama"); }

std::vector<std::string> pieces(const Encoding& e, const std::string& text) {
  std::vector<std::string> out;
  for (const auto& t : e.tokens) out.push_back(text.substr(t.begin, t.end - t.begin));
  return out;
}
}  // namespace

TEST(SentencePieceBpe, MatchesGoldenIdsForAllStoriesTexts) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto tok = stories();
  EXPECT_EQ(tok->kind(), "SentencePiece BPE");
  for (const char* name : {"01_cat_mat", "02_attention", "03_long"}) {
    SafetensorsFile g(shared(std::string("golden/stories260K/") + name + ".safetensors").string());
    EXPECT_EQ(tok->encode(g.metadata().at("text")).ids(), g.ints("input_ids")) << name;
  }
}

TEST(SentencePieceBpe, DocumentedExampleAndSpans) {
  auto tok = stories();
  const std::string text = "the cat sat on the mat.";
  const Encoding e = tok->encode(text);
  EXPECT_EQ(e.ids(), (std::vector<int64_t>{1, 265, 280, 294, 262, 294, 353, 265, 284, 294, 426}));
  ASSERT_EQ(e.tokens.size(), 11u);
  EXPECT_TRUE(e.tokens[0].special);
  EXPECT_EQ(e.tokens[0].sequence, -1);
  // "▁c" covers the space before "c"; "at" the two letters after it.
  EXPECT_EQ(pieces(e, text), (std::vector<std::string>{"", "the", " c", "at", " s", "at", " on", " the", " m", "at", "."}));
  EXPECT_EQ(tok->display(265), " the");
}

TEST(SentencePieceBpe, ByteFallbackForCharactersOutsideTheVocabulary) {
  auto tok = stories();
  const std::string text = "a\xE4\xB8\xAD";  // "a中": 中 is not among the 512 pieces
  const Encoding e = tok->encode(text);
  // <s> ▁ a <0xE4> <0xB8> <0xAD>  (bytes 0x00..0xFF are ids 3..258) -- unless ▁a is a piece.
  std::vector<int64_t> ids = e.ids();
  ASSERT_GE(ids.size(), 4u);
  EXPECT_EQ(ids[ids.size() - 3], 3 + 0xE4);
  EXPECT_EQ(ids[ids.size() - 2], 3 + 0xB8);
  EXPECT_EQ(ids[ids.size() - 1], 3 + 0xAD);
  for (size_t i = ids.size() - 3; i < ids.size(); ++i) {
    EXPECT_EQ(e.tokens[i].begin, 1u);
    EXPECT_EQ(e.tokens[i].end, 4u);
  }
}

TEST(SentencePieceBpe, TruncationKeepsBos) {
  auto tok = stories();
  const Encoding e = tok->encode("the cat sat on the mat.", 4);
  EXPECT_TRUE(e.truncated);
  EXPECT_EQ(e.untruncated_length, 11u);
  EXPECT_EQ(e.ids(), (std::vector<int64_t>{1, 265, 280, 294}));
}

TEST(SentencePieceBpe, LongInputTokenizesInLinearithmicTime) {
  auto tok = stories();
  std::string text;
  while (text.size() < 2'000'000) text += "Once upon a time, a curious little girl found a shiny key. ";
  const Encoding e = tok->encode(text);  // quadratic merging would take minutes here
  EXPECT_GT(e.tokens.size(), 300'000u);
  EXPECT_EQ(e.tokens.back().end, text.size());
}

// Literal special tokens are split out in one pass over the text: many of them in a long text
// must not make tokenization quadratic (100,000 occurrences here).
TEST(Tokenizer, ManyLiteralSpecialTokensStayLinear) {
  auto tok = load_tokenizer(builtin_model("stories260K"), "llama");
  std::string text;
  for (int i = 0; i < 100000; ++i) text += "hi </s> ";
  const auto tokens = tok->tokenize(text);
  size_t eos = 0;
  for (const auto& t : tokens) eos += t.id == 2;
  EXPECT_EQ(eos, 100000u);
  EXPECT_EQ(tokens.back().end, text.size());
}
