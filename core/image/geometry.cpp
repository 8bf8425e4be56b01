#include "core/image/geometry.h"

#include <algorithm>

#include <cmath>

#include "core/common/error.h"

namespace attnscope {

ImageGeometry make_image_geometry(const ImageTransform& t, int patch_size, int prefix_tokens) {
  if (patch_size <= 0) fail(ErrorKind::Usage, "patch size must be positive");
  ImageGeometry g;
  g.transform = t;
  g.patch_size = patch_size;
  g.rows = t.input_height / patch_size;
  g.cols = t.input_width / patch_size;
  g.prefix_tokens = prefix_tokens;
  return g;
}

RectF ImageGeometry::input_to_original(const RectF& r) const {
  const double sx = static_cast<double>(transform.original_width) / transform.resized_width;
  const double sy = static_cast<double>(transform.original_height) / transform.resized_height;
  return {(r.x + transform.crop_left) * sx, (r.y + transform.crop_top) * sy, r.width * sx, r.height * sy};
}

RectF ImageGeometry::patch_rect(int row, int col) const {
  const double p = patch_size;
  return input_to_original({col * p, row * p, p, p});
}

std::vector<RectF> ImageGeometry::patch_rects() const {
  std::vector<RectF> out;
  out.reserve(static_cast<size_t>(num_patches()));
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) out.push_back(patch_rect(r, c));
  return out;
}

RectF ImageGeometry::crop_box() const {
  return input_to_original({0, 0, static_cast<double>(transform.input_width), static_cast<double>(transform.input_height)});
}

RectF ImageGeometry::patches_box() const {
  const double p = patch_size;
  return input_to_original({0, 0, cols * p, rows * p});
}

double ImageGeometry::fraction_seen() const {
  const double w = transform.original_width, h = transform.original_height;
  if (w <= 0 || h <= 0) return 0;
  const RectF b = crop_box();
  const double seen_w = std::clamp(std::min(b.x + b.width, w) - std::max(b.x, 0.0), 0.0, w);
  const double seen_h = std::clamp(std::min(b.y + b.height, h) - std::max(b.y, 0.0), 0.0, h);
  return seen_w * seen_h / (w * h);
}

std::optional<int> ImageGeometry::patch_at(double x, double y) const {
  if (empty()) return std::nullopt;
  // Back to input pixels, then to the patch grid.
  const double u = x * transform.resized_width / transform.original_width - transform.crop_left;
  const double v = y * transform.resized_height / transform.original_height - transform.crop_top;
  const double col = std::floor(u / patch_size), row = std::floor(v / patch_size);
  if (col < 0 || row < 0 || col >= cols || row >= rows) return std::nullopt;
  return static_cast<int>(row) * cols + static_cast<int>(col);
}

}  // namespace attnscope
