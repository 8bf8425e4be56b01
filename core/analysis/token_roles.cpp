#include "core/analysis/token_roles.h"

#include <string>

#include "core/common/error.h"

namespace attnscope {

TokenRoles text_token_roles(const Encoding& encoding, bool causal) {
  TokenRoles r;
  r.causal = causal;
  for (const auto& t : encoding.tokens) r.special.push_back(t.special ? 1 : 0);
  return r;
}

TokenRoles image_token_roles(const PatchGrid& grid, int seq_len) {
  if (grid.seq_len() != seq_len)
    fail(ErrorKind::Usage, "patch grid of " + std::to_string(grid.prefix_tokens) + " prefix tokens + " + std::to_string(grid.rows) +
                               " x " + std::to_string(grid.cols) + " patches does not match " + std::to_string(seq_len) + " tokens");
  TokenRoles r;
  r.special.assign(static_cast<size_t>(seq_len), 0);
  for (int i = 0; i < grid.prefix_tokens; ++i) r.special[static_cast<size_t>(i)] = 1;
  r.patches = grid;
  return r;
}

PatchGrid patch_grid(const ModelInfo& model, int height, int width) {
  if (model.patch_size <= 0) fail(ErrorKind::Usage, model.model_type + " is not a patch-based image model");
  PatchGrid g;
  g.prefix_tokens = model.num_prefix_tokens;
  g.patch_size = model.patch_size;
  g.rows = height / model.patch_size;
  g.cols = width / model.patch_size;
  return g;
}

RowMatrix patch_map(const RowMatrix& map, int query, const PatchGrid& grid) {
  if (map.rows() != grid.seq_len() || map.cols() != grid.seq_len() || query < 0 || query >= map.rows())
    fail(ErrorKind::Usage, "patch_map: a " + std::to_string(map.rows()) + "x" + std::to_string(map.cols()) +
                               " map does not fit the patch grid (" + std::to_string(grid.seq_len()) + " tokens) or query " +
                               std::to_string(query));
  RowMatrix out(grid.rows, grid.cols);
  for (int r = 0; r < grid.rows; ++r)
    for (int c = 0; c < grid.cols; ++c) out(r, c) = map(query, grid.prefix_tokens + r * grid.cols + c);
  return out;
}

}  // namespace attnscope
