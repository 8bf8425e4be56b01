#include "core/analysis/word_merge.h"

#include <algorithm>
#include <limits>
#include <string>

#include "core/common/error.h"

namespace attnscope {

namespace {

bool starts_with_boundary(const std::string& text) {
  static const std::string markers[] = {"\xE2\x96\x81" /* ▁ U+2581 */, "\xC4\xA0" /* Ġ U+0120 */, " ", "\xC4\x8A" /* Ċ newline */};
  for (const auto& m : markers)
    if (text.compare(0, m.size(), m) == 0) return true;
  return false;
}

}  // namespace

std::vector<int> word_starts(const std::vector<Token>& tokens) {
  std::vector<int> starts;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    const bool start = i == 0 || t.special || tokens[i - 1].special || t.word < 0 || t.word != tokens[i - 1].word ||
                       t.sequence != tokens[i - 1].sequence || starts_with_boundary(t.text);
    if (start) starts.push_back(static_cast<int>(i));
  }
  return starts;
}

RowMatrix merge_pieces(const RowMatrix& w, const std::vector<int>& starts, PieceMerge how, const std::vector<uint8_t>& masked,
                       std::vector<uint8_t>* merged_mask) {
  const Eigen::Index n = w.rows();
  if (w.cols() != n) fail(ErrorKind::Usage, "merge_pieces: the map is " + std::to_string(n) + " x " + std::to_string(w.cols()) + ", not square");
  if (starts.empty() || starts.front() != 0 || !std::is_sorted(starts.begin(), starts.end()) ||
      std::adjacent_find(starts.begin(), starts.end()) != starts.end() || starts.back() >= n)
    fail(ErrorKind::Usage, "merge_pieces: word starts must ascend from 0 and stay below " + std::to_string(n));
  if (!masked.empty() && masked.size() != static_cast<size_t>(n * n))
    fail(ErrorKind::Usage, "merge_pieces: the mask holds " + std::to_string(masked.size()) + " entries, expected " + std::to_string(n * n));

  const Eigen::Index words = static_cast<Eigen::Index>(starts.size());
  auto end_of = [&](Eigen::Index g) { return g + 1 < words ? starts[static_cast<size_t>(g + 1)] : n; };
  std::vector<Eigen::Index> group(static_cast<size_t>(n));  // [n] the word of each index
  for (Eigen::Index g = 0; g < words; ++g)
    for (Eigen::Index i = starts[static_cast<size_t>(g)]; i < end_of(g); ++i) group[static_cast<size_t>(i)] = g;

  const float init = how == PieceMerge::Max ? -std::numeric_limits<float>::infinity() : 0.0f;
  RowMatrix out = RowMatrix::Constant(words, words, init);  // [words, words]
  std::vector<uint8_t> seen(static_cast<size_t>(words * words), 0);  // [words, words] 1 where a piece pair is a weight
  for (Eigen::Index q = 0; q < n; ++q) {
    const Eigen::Index r = group[static_cast<size_t>(q)];
    for (Eigen::Index k = 0; k < n; ++k) {
      if (!masked.empty() && masked[static_cast<size_t>(q * n + k)]) continue;
      const Eigen::Index c = group[static_cast<size_t>(k)];
      float& o = out(r, c);
      o = how == PieceMerge::Max ? std::max(o, w(q, k)) : o + w(q, k);
      seen[static_cast<size_t>(r * words + c)] = 1;
    }
  }
  for (Eigen::Index r = 0; r < words; ++r) {
    const float pieces = static_cast<float>(end_of(r) - starts[static_cast<size_t>(r)]);
    for (Eigen::Index c = 0; c < words; ++c) {
      float& o = out(r, c);
      if (!seen[static_cast<size_t>(r * words + c)]) o = 0.0f;
      else if (how == PieceMerge::Mean) o /= pieces;
    }
  }
  if (merged_mask) {
    merged_mask->assign(seen.size(), 0);
    if (!masked.empty())
      for (size_t i = 0; i < seen.size(); ++i) (*merged_mask)[i] = !seen[i];
  }
  return out;
}

}  // namespace attnscope
