#include "ui/render/thumbnails.h"

#include <algorithm>
#include <cmath>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

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

QImage overlay_thumbnail(const QImage& photo, const RowMatrix& shade, const ColorMap& cmap, double opacity, bool smooth) {
  if (photo.isNull() || shade.size() == 0) return {};
  const QImage base = photo.convertToFormat(QImage::Format_RGB32);
  cv::Mat grid(static_cast<int>(shade.rows()), static_cast<int>(shade.cols()), CV_32F, const_cast<float*>(shade.data()));
  cv::Mat up;
  cv::resize(grid, up, cv::Size(base.width(), base.height()), 0, 0, smooth ? cv::INTER_CUBIC : cv::INTER_NEAREST);
  QImage out(base.size(), QImage::Format_RGB32);
  const double a = std::clamp(opacity, 0.0, 1.0);
  for (int y = 0; y < out.height(); ++y) {
    const auto* src = reinterpret_cast<const QRgb*>(base.constScanLine(y));
    auto* dst = reinterpret_cast<QRgb*>(out.scanLine(y));
    const float* v = up.ptr<float>(y);
    for (int x = 0; x < out.width(); ++x) {
      const QRgb c = cmap.rgb(std::clamp(static_cast<double>(v[x]), 0.0, 1.0));
      auto mix = [a](int under, int over) { return static_cast<int>(std::lround(under * (1 - a) + over * a)); };
      dst[x] = qRgb(mix(qRed(src[x]), qRed(c)), mix(qGreen(src[x]), qGreen(c)), mix(qBlue(src[x]), qBlue(c)));
    }
  }
  return out;
}

QImage patches_photo(const QImage& photo, const ImageGeometry& geometry, int long_side) {
  const RectF box = geometry.patches_box();
  const QRectF region(box.x, box.y, box.width, box.height);
  const double aspect = region.width() / std::max(region.height(), 1.0);
  const QSize size = aspect >= 1 ? QSize(long_side, std::max(1, static_cast<int>(std::lround(long_side / aspect))))
                                 : QSize(std::max(1, static_cast<int>(std::lround(long_side * aspect))), long_side);
  return photo.copy(region.toAlignedRect()).scaled(size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
}

}  // namespace attnscope::ui
