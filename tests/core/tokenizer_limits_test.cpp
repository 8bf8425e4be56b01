// Tokenizers on hostile or huge inputs (README, Security): added-token matching that does not
// grow with the number of added tokens, and truncation that tokenizes only a prefix of a long
// text yet gives exactly the tokens the whole text would.
#include <chrono>
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/tokenizers/tokenizer.h"
#include "tests/support/bad_inputs.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
namespace fs = std::filesystem;

namespace {

// Texts whose word and line structure varies: runs of spaces, tabs, newlines, punctuation,
// digits, accents, CJK, an added token written literally.
std::vector<std::string> long_texts() {
  std::string story, mixed, lines, long_words;
  for (int i = 0; i < 3000; ++i) story += "Once upon a time, there was a little cat named Tom" + std::to_string(i) + ". ";
  for (int i = 0; i < 2000; ++i) mixed += "naïve  café\tdon't  stop—" + std::to_string(i * 37) + "  東京 </s>\n  ";
  for (int i = 0; i < 4000; ++i) lines += (i % 3 ? "word" : "\n\n") + std::string(static_cast<size_t>(i % 4), ' ');
  // Few tokens per byte (WordPiece: one [UNK] per 150-letter word), so the prefix that holds the
  // budget ends close to the tokens compared: a cut inside a word would show.
  for (int i = 0; i < 3000; ++i) long_words += std::string(150 + static_cast<size_t>(i % 7), static_cast<char>('a' + i % 5)) + " ";
  return {story, mixed, lines, long_words};
}

// White-box: start the prefix search small, so that for some budgets the prefix that first holds
// enough tokens ends right after the ones compared -- where a cut inside a word, or too small a
// margin, would change them.
void expect_prefixes_near_the_cut(const Tokenizer& tok, const std::string& what) {
  for (const std::string& text : long_texts()) {
    const std::vector<Token> whole = tok.tokenize(text);
    for (size_t first : {size_t{37}, size_t{64}, size_t{150}})
      for (size_t budget = 1; budget < 200; ++budget) {
        bool complete = true;
        const std::vector<Token> part = tok.tokenize_prefix(text, budget, complete, first);
        ASSERT_GE(part.size(), std::min(budget, whole.size())) << what;
        for (size_t i = 0; i < std::min(budget, whole.size()); ++i)
          ASSERT_TRUE(part[i].id == whole[i].id && part[i].begin == whole[i].begin && part[i].end == whole[i].end)
              << what << ": budget " << budget << ", first prefix " << first << ", token " << i << ": " << part[i].text << " vs "
              << whole[i].text;
      }
  }
}

void expect_prefix_equals_whole(const Tokenizer& tok, const std::string& what) {
  expect_prefixes_near_the_cut(tok, what);
  for (const std::string& text : long_texts()) {
    const Encoding whole = tok.encode(text);
    for (size_t limit : {size_t{5}, size_t{17}, size_t{100}, size_t{512}, size_t{2000}}) {
      const Encoding cut = tok.encode(text, limit);
      ASSERT_TRUE(cut.truncated) << what;
      ASSERT_EQ(cut.tokens.size(), limit) << what;
      const size_t extra = tok.post_processor().added_single();
      std::vector<int64_t> want = whole.ids();
      // The template's trailing specials (e.g. [SEP]) follow the kept text tokens.
      std::vector<int64_t> got = cut.ids();
      size_t leading = 0;
      for (const auto& p : tok.post_processor().single) {
        if (p.kind != TemplatePiece::Special) break;
        ++leading;
      }
      for (size_t i = 0; i < limit - (extra - leading); ++i) EXPECT_EQ(got[i], want[i]) << what << ": token " << i << " of " << limit;
      for (size_t i = 0; i < limit; ++i) {
        EXPECT_EQ(cut.tokens[i].begin, i < limit - (extra - leading) ? whole.tokens[i].begin : cut.tokens[i].begin) << what;
      }
    }
  }
}

}  // namespace

TEST(TokenizerPrefix, TruncatingALongTextGivesTheWholeTextsFirstTokens) {
  expect_prefix_equals_whole(*load_tokenizer(test::builtin_model("stories260K"), "llama"), "stories260K");
}

TEST(TokenizerPrefix, SameForWordPieceAndByteLevelBpe) {
  ATTNSCOPE_REQUIRE_SHARED();
  expect_prefix_equals_whole(*load_tokenizer(test::shared("models/bert-random"), "bert"), "bert-random");
  expect_prefix_equals_whole(*load_tokenizer(test::shared("models/gpt2-random"), "gpt2"), "gpt2-random");
  expect_prefix_equals_whole(*load_tokenizer(test::shared("models/roberta-random"), "roberta"), "roberta-random");
}

// 60,001 added tokens made a 1 MB text take 21 s (every match scanned every added token).
TEST(TokenizerAddedTokens, SixtyThousandAddedTokensOnAMegabyte) {
  const fs::path m = test::copy_model("stories260K", test::scratch_dir("added"));
  auto tj = nlohmann::json::parse(test::read_file(m / "tokenizer.json"));
  for (int i = 0; i < 60001; ++i)
    tj["added_tokens"].push_back({{"id", 3 + i % 500}, {"content", "<x" + std::to_string(i) + ">"}, {"special", true},
                                  {"single_word", false}, {"lstrip", false}, {"rstrip", false}, {"normalized", false}});
  test::write_file(m / "tokenizer.json", tj.dump());
  const auto tok = load_tokenizer(m, "llama");
  std::string text;
  size_t occurrences = 0;
  while (text.size() < 1'000'000) {
    text += "Once upon a time <x7> there was a <x60000> cat <x1";  // "<x1" alone is no token
    occurrences += 2;
  }
  const auto t0 = std::chrono::steady_clock::now();
  const auto tokens = tok->tokenize(text);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  size_t found = 0;
  for (const auto& t : tokens) found += t.special && (t.text == "<x7>" || t.text == "<x60000>");
  EXPECT_EQ(found, occurrences);
  EXPECT_LT(seconds, 10.0) << "was 21 s";
  std::printf("  1 MB with 60,001 added tokens: %.2f s\n", seconds);
}
