#pragma once

#include <cstdint>
#include <vector>

namespace attnscope {

// A corner of the cell grid: column x in [0, cols], row y in [0, rows].
struct GridCorner {
  int x = 0, y = 0;
  bool operator==(const GridCorner& o) const { return x == o.x && y == o.y; }
};

// The outline of a set of grid cells (e.g. the patches a mass threshold keeps), traced on the
// grid itself rather than by merging squares as floating-point paths, which loses cells on shared
// edges. Returns closed loops of corners (the first corner not repeated, collinear corners
// dropped): outer boundaries run clockwise on screen (y down), holes counter-clockwise, and cells
// touching only at a corner get separate loops. A point lies inside the set exactly when it is
// inside an odd number of loops (even-odd rule).
std::vector<std::vector<GridCorner>> outline_cells(const std::vector<uint8_t>& keep, int rows, int cols);

}  // namespace attnscope
