// The outline of a patch set traced on the grid: a cell's centre is inside the loops (even-odd)
// exactly when the cell is in the set, for random sets of every density and grid shape, and the
// shapes that broke the merged-squares path (shared edges, corners, holes) come out as loops.
#include <gtest/gtest.h>

#include <random>

#include "core/analysis/cell_outline.h"
#include "core/analysis/mass_threshold.h"
#include "core/common/error.h"

using namespace attnscope;

namespace {

// Even-odd ray cast towards +x over the loops' vertical sides.
bool inside(const std::vector<std::vector<GridCorner>>& loops, double px, double py) {
  bool in = false;
  for (const auto& loop : loops)
    for (size_t i = 0; i < loop.size(); ++i) {
      const GridCorner a = loop[i], b = loop[(i + 1) % loop.size()];
      if (a.x != b.x || a.x <= px) continue;
      const double lo = std::min(a.y, b.y), hi = std::max(a.y, b.y);
      if (py > lo && py < hi) in = !in;
    }
  return in;
}

void expect_exact(const std::vector<uint8_t>& keep, int rows, int cols) {
  const auto loops = outline_cells(keep, rows, cols);
  for (const auto& loop : loops) {
    ASSERT_GE(loop.size(), 4u);
    for (size_t i = 0; i < loop.size(); ++i) {
      const GridCorner a = loop[i], b = loop[(i + 1) % loop.size()];
      EXPECT_TRUE(a.x == b.x || a.y == b.y) << "a side that is not along the grid";
      EXPECT_TRUE(a.x >= 0 && a.x <= cols && a.y >= 0 && a.y <= rows);
    }
  }
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c)
      ASSERT_EQ(inside(loops, c + 0.5, r + 0.5), keep[static_cast<size_t>(r * cols + c)] != 0) << "cell (" << r << "," << c << ")";
}

}  // namespace

TEST(CellOutline, CellCentresInsideTheLoopsAreExactlyTheSet) {
  std::mt19937 rng(7);
  for (auto [rows, cols] : {std::pair{14, 14}, {15, 20}, {1, 1}, {1, 9}, {37, 37}})
    for (double density : {0.05, 0.3, 0.5, 0.8, 1.0}) {
      std::bernoulli_distribution bit(density);
      for (int trial = 0; trial < 20; ++trial) {
        std::vector<uint8_t> keep(static_cast<size_t>(rows * cols));
        for (auto& k : keep) k = bit(rng);
        expect_exact(keep, rows, cols);
      }
    }
}

TEST(CellOutline, CornersRingsAndTheWholeGrid) {
  // Two cells touching at a corner: two loops of four corners.
  auto loops = outline_cells({1, 0, 0, 1}, 2, 2);
  ASSERT_EQ(loops.size(), 2u);
  EXPECT_EQ(loops[0].size(), 4u);
  EXPECT_EQ(loops[1].size(), 4u);
  loops = outline_cells({0, 1, 1, 0}, 2, 2);
  EXPECT_EQ(loops.size(), 2u);
  // A ring: the outer boundary and a hole.
  loops = outline_cells({1, 1, 1, 1, 0, 1, 1, 1, 1}, 3, 3);
  ASSERT_EQ(loops.size(), 2u);
  expect_exact({1, 1, 1, 1, 0, 1, 1, 1, 1}, 3, 3);
  // Everything: the grid's rectangle.
  loops = outline_cells(std::vector<uint8_t>(12, 1), 3, 4);
  ASSERT_EQ(loops.size(), 1u);
  EXPECT_EQ(loops[0], (std::vector<GridCorner>{{0, 0}, {4, 0}, {4, 3}, {0, 3}}));
  EXPECT_TRUE(outline_cells(std::vector<uint8_t>(12, 0), 3, 4).empty());
  EXPECT_THROW(outline_cells({1, 0}, 3, 4), Error);
}

TEST(CellOutline, AMassThresholdSetIsOutlinedExactly) {
  // A 14 x 14 map with the mass spread like an attention row: the kept set is irregular.
  std::mt19937 rng(3);
  std::gamma_distribution<float> g(0.3f, 1.0f);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<float> values(196);
    for (auto& v : values) v = g(rng);
    MassThresholdOptions o;
    o.fraction = 0.6;
    const MassThreshold t = mass_threshold(values, o);
    expect_exact(t.keep, 14, 14);
  }
}
