// Sub-word pieces merged into words: which tokens form a word, and the merged maps.
#include <random>

#include <gtest/gtest.h>

#include "core/analysis/word_merge.h"
#include "core/common/error.h"
#include "core/pipeline/analyzer.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
using attnscope::test::shared;

namespace {

// The text each word covers, read from the token spans; specials by name.
std::vector<std::string> word_texts(const Analysis& a) {
  const auto& tokens = a.encoding.tokens;
  const std::vector<int> starts = word_starts(tokens);
  std::vector<std::string> words;
  for (size_t g = 0; g < starts.size(); ++g) {
    const int first = starts[g], last = (g + 1 < starts.size() ? starts[g + 1] : static_cast<int>(tokens.size())) - 1;
    const Token& f = tokens[static_cast<size_t>(first)];
    const Token& l = tokens[static_cast<size_t>(last)];
    if (f.special) {
      EXPECT_EQ(first, last) << "a special token shares a word";
      continue;
    }
    std::string w = a.text.substr(f.begin, l.end - f.begin);
    while (!w.empty() && w.front() == ' ') w.erase(0, 1);
    words.push_back(w);
  }
  return words;
}

RowMatrix random_stochastic(int n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.01f, 1.0f);
  RowMatrix w(n, n);
  for (int r = 0; r < n; ++r) {
    for (int c = 0; c < n; ++c) w(r, c) = u(rng);
    w.row(r) /= w.row(r).sum();
  }
  return w;
}

}  // namespace

TEST(WordMerge, WordsAreTheWhitespaceSeparatedWordsOnEveryTokenizer) {
  ATTNSCOPE_REQUIRE_SHARED();
  // Long, rare words so that every tokenizer splits some of them into several pieces.
  const std::string text = "the unbelievably quixotic zookeepers rehabilitated marmalade";
  const std::vector<std::string> expected = {"the", "unbelievably", "quixotic", "zookeepers", "rehabilitated", "marmalade"};
  for (const std::string name : {"bert-random", "roberta-random", "gpt2-random", "llama3-random", "qwen3-random", "gemma3-random",
                                 "mistral-random", "t5-random", "stories260K"}) {
    SCOPED_TRACE(name);
    auto analyzer = Analyzer::open(name == "stories260K" ? test::builtin_model(name) : shared("models/" + name));
    AnalysisRequest req;
    req.text = text;
    if (name == "t5-random") req.target = "x";
    const Analysis a = analyzer->run(req);
    EXPECT_GT(a.encoding.tokens.size(), expected.size() + 3) << "no word was split; the test checks nothing";
    EXPECT_EQ(word_texts(a), expected);
  }
}

TEST(WordMerge, PunctuationIsAWordWhereThePreTokenizerSplitsIt) {
  ATTNSCOPE_REQUIRE_SHARED();
  AnalysisRequest req;
  req.text = "cats, dogs";
  auto bert = Analyzer::open(shared("models/bert-random"));
  EXPECT_EQ(word_texts(bert->run(req)), (std::vector<std::string>{"cats", ",", "dogs"}));
  // Llama 2's SentencePiece tokenizer has no pre-tokenizer: only spaces part words.
  auto stories = Analyzer::open(test::builtin_model("stories260K"));
  EXPECT_EQ(word_texts(stories->run(req)), (std::vector<std::string>{"cats,", "dogs"}));
}

TEST(WordMerge, SentencePairsNeverShareAWord) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto bert = Analyzer::open(shared("models/bert-random"));
  AnalysisRequest req;
  req.text = "ab";
  req.text_pair = std::string("ab");
  const Analysis a = bert->run(req);
  const std::vector<int> starts = word_starts(a.encoding.tokens);
  for (size_t i = 1; i < a.encoding.tokens.size(); ++i) {
    if (a.encoding.tokens[i].sequence != a.encoding.tokens[i - 1].sequence) {
      EXPECT_TRUE(std::find(starts.begin(), starts.end(), static_cast<int>(i)) != starts.end()) << "token " << i;
    }
  }
}

TEST(WordMerge, MergedEntriesAreBlockMeansOfSumsOrBlockMaxima) {
  const RowMatrix w = random_stochastic(7, 3);
  const std::vector<int> starts = {0, 1, 3, 6};
  const RowMatrix mean = merge_pieces(w, starts, PieceMerge::Mean);
  const RowMatrix max = merge_pieces(w, starts, PieceMerge::Max);
  ASSERT_EQ(mean.rows(), 4);
  ASSERT_EQ(mean.cols(), 4);
  const int bounds[] = {0, 1, 3, 6, 7};
  for (int r = 0; r < 4; ++r) {
    for (int c = 0; c < 4; ++c) {
      const auto block = w.block(bounds[r], bounds[c], bounds[r + 1] - bounds[r], bounds[c + 1] - bounds[c]);
      EXPECT_NEAR(mean(r, c), block.sum() / static_cast<float>(block.rows()), 1e-6f) << r << "," << c;
      EXPECT_EQ(max(r, c), block.maxCoeff()) << r << "," << c;
    }
    EXPECT_NEAR(mean.row(r).sum(), 1.0f, 1e-6f) << "mean merging keeps rows stochastic";
  }
  // One piece per word: the map itself.
  EXPECT_EQ(merge_pieces(w, {0, 1, 2, 3, 4, 5, 6}, PieceMerge::Mean), w);
}

TEST(WordMerge, CausalMapsKeepAnExactlyZeroUpperTriangleAndStochasticRows) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto analyzer = Analyzer::open(test::builtin_model("stories260K"));
  AnalysisRequest req;
  req.text = "Once upon a time, there was a little girl named Lily who loved marmalade.";
  const Analysis a = analyzer->run(req);
  const int S = a.seq_len();
  const std::vector<int> starts = word_starts(a.encoding.tokens);
  ASSERT_LT(starts.size(), static_cast<size_t>(S)) << "no word has several pieces";
  std::vector<uint8_t> causal(static_cast<size_t>(S) * static_cast<size_t>(S), 0);
  for (int q = 0; q < S; ++q)
    for (int k = q + 1; k < S; ++k) causal[static_cast<size_t>(q) * static_cast<size_t>(S) + static_cast<size_t>(k)] = 1;
  const int W = static_cast<int>(starts.size());
  for (int layer = 0; layer < a.model.num_layers; ++layer)
    for (int head = 0; head < a.model.num_heads; ++head) {
      RowMatrix scratch;
      const RowMatrix w = a.forward.attentions.head_f32(layer, head, scratch);
      for (PieceMerge how : {PieceMerge::Mean, PieceMerge::Max}) {
        std::vector<uint8_t> mask;
        const RowMatrix m = merge_pieces(w, starts, how, causal, &mask);
        for (int r = 0; r < W; ++r) {
          for (int c = 0; c < W; ++c) {
            EXPECT_EQ(mask[static_cast<size_t>(r * W + c)], c > r ? 1 : 0) << r << "," << c;
            if (c > r) {
              EXPECT_EQ(m(r, c), 0.0f);
            }
          }
          if (how == PieceMerge::Mean) {
            EXPECT_NEAR(m.row(r).sum(), 1.0f, 1e-5f) << "layer " << layer << " head " << head << " word " << r;
          }
        }
      }
    }
}

TEST(WordMerge, RefusesStartsThatDoNotFit) {
  const RowMatrix w = random_stochastic(4, 1);
  EXPECT_THROW(merge_pieces(w, {1, 2}, PieceMerge::Mean), Error);
  EXPECT_THROW(merge_pieces(w, {0, 2, 2}, PieceMerge::Mean), Error);
  EXPECT_THROW(merge_pieces(w, {0, 4}, PieceMerge::Mean), Error);
  EXPECT_THROW(merge_pieces(w, {0}, PieceMerge::Mean, std::vector<uint8_t>(3, 0)), Error);
}
