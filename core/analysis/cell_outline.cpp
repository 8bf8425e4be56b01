#include "core/analysis/cell_outline.h"

#include <array>

#include "core/common/error.h"

namespace attnscope {
namespace {

// Directions on screen (y down): east, south, west, north. Turning right is +1.
constexpr std::array<int, 4> kDx = {1, 0, -1, 0};
constexpr std::array<int, 4> kDy = {0, 1, 0, -1};

struct Edge {
  int from = 0, to = 0, dir = 0;
  bool used = false;
};

}  // namespace

std::vector<std::vector<GridCorner>> outline_cells(const std::vector<uint8_t>& keep, int rows, int cols) {
  if (rows < 0 || cols < 0 || keep.size() != static_cast<size_t>(rows) * static_cast<size_t>(cols))
    fail(ErrorKind::Usage, "outline_cells: " + std::to_string(keep.size()) + " cells for a " + std::to_string(rows) + " x " +
                               std::to_string(cols) + " grid");
  const auto kept = [&](int r, int c) { return r >= 0 && c >= 0 && r < rows && c < cols && keep[static_cast<size_t>(r) * cols + c]; };
  const int stride = cols + 1;
  const auto corner = [&](int x, int y) { return y * stride + x; };

  // Every side between a kept cell and a cell that is not (or the grid's edge), directed so that
  // the kept cell is on its right: clockwise around each kept cell.
  std::vector<Edge> edges;
  std::vector<std::array<int, 2>> out(static_cast<size_t>(stride) * (rows + 1), {-1, -1});
  const auto add = [&](int x0, int y0, int dir) {
    Edge e;
    e.from = corner(x0, y0);
    e.to = corner(x0 + kDx[dir], y0 + kDy[dir]);
    e.dir = dir;
    auto& slot = out[static_cast<size_t>(e.from)];
    slot[slot[0] < 0 ? 0 : 1] = static_cast<int>(edges.size());
    edges.push_back(e);
  };
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      if (!kept(r, c)) continue;
      if (!kept(r - 1, c)) add(c, r, 0);          // top, eastwards
      if (!kept(r, c + 1)) add(c + 1, r, 1);      // right, southwards
      if (!kept(r + 1, c)) add(c + 1, r + 1, 2);  // bottom, westwards
      if (!kept(r, c - 1)) add(c, r + 1, 3);      // left, northwards
    }

  std::vector<std::vector<GridCorner>> loops;
  for (size_t start = 0; start < edges.size(); ++start) {
    if (edges[start].used) continue;
    std::vector<GridCorner> loop;
    size_t e = start;
    do {
      edges[e].used = true;
      loop.push_back({edges[e].from % stride, edges[e].from / stride});
      // Where two kept cells share only a corner there are two ways on; turning right stays with
      // the same cell, so such cells get separate loops. The pairing of ways in and out at a
      // corner is fixed by this rule, so the walk ends where it began.
      const auto& next = out[static_cast<size_t>(edges[e].to)];
      int chosen = -1;
      for (int turn : {1, 0, 3}) {
        for (int k : next)
          if (k >= 0 && edges[static_cast<size_t>(k)].dir == (edges[e].dir + turn) % 4) chosen = k;
        if (chosen >= 0) break;
      }
      if (chosen < 0) break;  // cannot happen: every side's end starts another side
      e = static_cast<size_t>(chosen);
    } while (e != start && !edges[e].used);
    // Drop corners where the outline goes straight on.
    std::vector<GridCorner> simple;
    const size_t n = loop.size();
    for (size_t i = 0; i < n; ++i) {
      const GridCorner& a = loop[(i + n - 1) % n];
      const GridCorner& b = loop[i];
      const GridCorner& c = loop[(i + 1) % n];
      const bool straight = (b.x - a.x) * (c.y - b.y) == (b.y - a.y) * (c.x - b.x);
      if (!straight) simple.push_back(b);
    }
    loops.push_back(std::move(simple));
  }
  return loops;
}

}  // namespace attnscope
