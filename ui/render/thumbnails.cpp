#include "ui/render/thumbnails.h"

#include <algorithm>
#include <cmath>

#include "ui/document/display_map.h"

namespace attnscope::ui {

QImage shade_image(const RowMatrix& shade, const ColorMap& cmap, int max_side) {
  const int rows = static_cast<int>(shade.rows()), cols = static_cast<int>(shade.cols());
  if (rows == 0 || cols == 0) return {};
  const int block = std::max(1, static_cast<int>(std::ceil(std::max(rows, cols) / static_cast<double>(std::max(max_side, 1)))));
  const int h = (rows + block - 1) / block, w = (cols + block - 1) / block;
  QImage img(w, h, QImage::Format_RGB32);
  for (int y = 0; y < h; ++y) {
    auto* line = reinterpret_cast<QRgb*>(img.scanLine(y));
    for (int x = 0; x < w; ++x) {
      float m = 0;
      bool any = false;  // a block of masked (NaN) cells only keeps the masked colour
      for (int r = y * block; r < std::min(rows, (y + 1) * block); ++r)
        for (int c = x * block; c < std::min(cols, (x + 1) * block); ++c)
          if (!std::isnan(shade(r, c))) {
            m = std::max(m, shade(r, c));
            any = true;
          }
      line[x] = any ? cmap.rgb(m) : kMaskedColor.rgb();
    }
  }
  return img;
}

}  // namespace attnscope::ui
