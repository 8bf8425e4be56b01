// Token alignment and the divergence of core/analysis/compare.h on cases worked out by hand.
#include <cmath>

#include <gtest/gtest.h>

#include "core/analysis/compare.h"
#include "core/common/error.h"

using namespace attnscope;

namespace {

using Pairs = std::vector<std::pair<int, int>>;

TEST(AlignTokens, PairsEqualIdsInOrderAndListsTheRest) {
  // "[CLS] too big . [SEP]" vs "[CLS] too very small . [SEP]"
  TokenAlignment t = align_tokens({101, 7, 8, 9, 102}, {101, 7, 5, 6, 9, 102});
  EXPECT_EQ(t.pairs, (Pairs{{0, 0}, {1, 1}, {3, 4}, {4, 5}}));
  EXPECT_EQ(t.unpaired_a, std::vector<int>{2});
  EXPECT_EQ(t.unpaired_b, (std::vector<int>{2, 3}));
  // A moved word: the longest common subsequence keeps the longer run.
  t = align_tokens({1, 2, 3, 4, 5}, {1, 4, 5, 2, 9});
  EXPECT_EQ(t.pairs.size(), 3u);
  EXPECT_EQ(t.pairs[1], (std::pair<int, int>{3, 1}));
  t = align_tokens({}, {1, 2});
  EXPECT_TRUE(t.pairs.empty());
  EXPECT_EQ(t.unpaired_b, (std::vector<int>{0, 1}));
  t = align_tokens({3, 3, 3}, {3, 3, 3});
  EXPECT_EQ(t.pairs, (Pairs{{0, 0}, {1, 1}, {2, 2}}));
  // Too different to align within the cell budget: refused, not silently cut.
  EXPECT_THROW(align_tokens({1, 2, 3, 4}, {5, 6, 7, 8}, 10), Error);
  EXPECT_NO_THROW(align_tokens({0, 1, 2, 3, 4, 9}, {0, 5, 6, 7, 8, 9}, 25));  // prefix and suffix trimmed first
}

TEST(JsDivergence, BoundsAndAKnownValue) {
  const double p[] = {1, 0}, q[] = {0, 1}, r[] = {0.5, 0.5};
  EXPECT_NEAR(js_divergence(p, q, 2), 1.0, 1e-12);  // disjoint: 1 bit
  EXPECT_EQ(js_divergence(r, r, 2), 0.0);
  // {1, 0} vs {1/2, 1/2}: m = {3/4, 1/4}; JS = 1/2 log2(4/3) + 1/2 (1/2 log2(2/3) + 1/2 log2 2)
  const double want = 0.5 * std::log2(4.0 / 3) + 0.25 * std::log2(2.0 / 3) + 0.25;
  EXPECT_NEAR(js_divergence(p, r, 2), want, 1e-12);
  const double scaled[] = {2, 2};  // normalised first
  EXPECT_NEAR(js_divergence(p, scaled, 2), want, 1e-12);
}

TEST(CompareAttentions, DifferenceAndDivergenceOnAlignedTokens) {
  AttentionMaps a, b;
  a.allocate(1, 1, 3, {});
  b.allocate(1, 1, 2, {});
  // A: 3 tokens, B: 2 tokens; A's token 1 has no partner.
  const float av[] = {1, 0, 0, 0.5f, 0.5f, 0, 0.25f, 0.25f, 0.5f};
  const float bv[] = {1, 0, 0.5f, 0.5f};
  std::copy(av, av + 9, a.data.begin());
  std::copy(bv, bv + 4, b.data.begin());
  const AttentionComparison c = compare_attentions(a, b, align_tokens({7, 8, 9}, {7, 9}));
  ASSERT_EQ(c.alignment.pairs, (Pairs{{0, 0}, {2, 1}}));
  EXPECT_EQ(c.difference.shape, (Shape{1, 1, 2, 2}));
  // Row of A's token 2 on aligned keys {0, 2}: 0.25, 0.5 (+0.25 unpaired); B's: 0.5, 0.5.
  EXPECT_FLOAT_EQ(c.difference.data[2], -0.25f);
  EXPECT_FLOAT_EQ(c.difference.data[3], 0.0f);
  EXPECT_EQ(c.row_divergence.data[0], 0.0f);
  const double p[] = {0.25, 0.5, 0.25}, q[] = {0.5, 0.5, 0};
  EXPECT_NEAR(c.row_divergence.data[1], js_divergence(p, q, 3), 1e-7);
  EXPECT_NEAR(c.divergence.data[0], js_divergence(p, q, 3) / 2, 1e-7);
  AttentionMaps two_heads;
  two_heads.allocate(1, 2, 2, {});
  EXPECT_THROW(compare_attentions(a, two_heads, align_tokens({7, 8, 9}, {7, 9})), Error);
}

}  // namespace
