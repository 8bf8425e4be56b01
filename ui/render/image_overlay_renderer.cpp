#include "ui/render/image_overlay_renderer.h"

#include <algorithm>
#include <cmath>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <QFont>
#include <QFontMetricsF>
#include <QPaintEngine>

#include "core/analysis/cell_outline.h"

namespace attnscope::ui {

namespace {
constexpr double kPad = 10, kTitle = 24, kCaption = 20;

// The caption wraps rather than running off a narrow figure: the height its lines need at `width`,
// and at least two lines', so that the photo does not jump when another query's caption wraps.
double caption_height(const QString& caption, double width) {
  const QFontMetricsF fm{QFont()};
  const double two_lines = 2 * fm.lineSpacing() + 4;
  if (caption.isEmpty() || width <= 0) return std::max(kCaption, two_lines);
  const QRectF used = fm.boundingRect(QRectF(0, 0, width, 1e6), Qt::TextWordWrap, caption);
  return std::max({kCaption, two_lines, std::ceil(used.height()) + 4});
}
}

QSizeF ImageOverlayRenderer::naturalSize() const {
  const double w = std::max(photo.width(), 320), h = std::max(photo.height(), 240);
  const double s = std::min(1.0, 720.0 / std::max(w, h));
  const double width = w * s + 2 * kPad + (bar ? kColorBarWidth + kPad : 0);
  return QSizeF(width, h * s + 2 * kPad + kTitle + caption_height(caption, width - 2 * kPad));
}

QRectF ImageOverlayRenderer::photoRect(const QRectF& area) const {
  const double bar_room = bar ? kColorBarWidth + kPad : 0;
  const QRectF box(area.left() + kPad, area.top() + kPad + kTitle, area.width() - 2 * kPad - bar_room,
                   area.height() - 2 * kPad - kTitle - caption_height(caption, area.width() - 2 * kPad));
  if (photo.isNull() || box.width() <= 0 || box.height() <= 0) return box;
  const double s = std::min(box.width() / photo.width(), box.height() / photo.height());
  const QSizeF size(photo.width() * s, photo.height() * s);
  return QRectF(box.center() - QPointF(size.width() / 2, size.height() / 2), size);
}

QImage ImageOverlayRenderer::overlayImage(QRectF* region, double pixels_per_original) const {
  const int rows = static_cast<int>(patch_shade.rows()), cols = static_cast<int>(patch_shade.cols());
  if (rows == 0 || cols == 0 || geometry.empty()) return {};
  const RectF box = geometry.patches_box();
  const double x0 = box.x, y0 = box.y, x1 = box.x + box.width, y1 = box.y + box.height;
  if (region) *region = QRectF(x0, y0, x1 - x0, y1 - y0);
  // Upsample the patch grid to the region's size in original pixels (capped for huge photos).
  const double scale = std::min({1.0, std::max(pixels_per_original, 1e-6), 2048.0 / std::max(x1 - x0, y1 - y0)});
  const int w = std::max(cols, static_cast<int>(std::lround((x1 - x0) * scale)));
  const int h = std::max(rows, static_cast<int>(std::lround((y1 - y0) * scale)));
  cv::Mat grid(rows, cols, CV_32F, const_cast<float*>(patch_shade.data()));
  cv::Mat up;
  cv::resize(grid, up, cv::Size(w, h), 0, 0, smooth ? cv::INTER_CUBIC : cv::INTER_NEAREST);
  QImage img(w, h, QImage::Format_ARGB32);
  const int alpha = static_cast<int>(std::lround(std::clamp(opacity, 0.0, 1.0) * 255));
  for (int y = 0; y < h; ++y) {
    auto* line = reinterpret_cast<QRgb*>(img.scanLine(y));
    const float* src = up.ptr<float>(y);
    for (int x = 0; x < w; ++x) {
      const QRgb c = cmap.rgb(std::clamp(static_cast<double>(src[x]), 0.0, 1.0));
      line[x] = qRgba(qRed(c), qGreen(c), qBlue(c), alpha);
    }
  }
  return img;
}

QPainterPath ImageOverlayRenderer::contourPath(const QRectF& pr) const {
  QPainterPath path;
  path.setFillRule(Qt::OddEvenFill);
  const int rows = geometry.rows, cols = geometry.cols;
  if (!threshold_keep || geometry.empty() || photo.isNull() || threshold_keep->size() != static_cast<size_t>(rows * cols))
    return path;
  // The grid's lines in the drawn photo: the patches' edges through the preprocessing's resize and crop.
  const double s = pr.width() / photo.width();
  std::vector<double> xs(static_cast<size_t>(cols) + 1), ys(static_cast<size_t>(rows) + 1);
  for (int c = 0; c <= cols; ++c) {
    const RectF q = geometry.patch_rect(0, std::min(c, cols - 1));
    xs[static_cast<size_t>(c)] = pr.left() + (c < cols ? q.x : q.x + q.width) * s;
  }
  for (int r = 0; r <= rows; ++r) {
    const RectF q = geometry.patch_rect(std::min(r, rows - 1), 0);
    ys[static_cast<size_t>(r)] = pr.top() + (r < rows ? q.y : q.y + q.height) * s;
  }
  for (const auto& loop : outline_cells(*threshold_keep, rows, cols)) {
    path.moveTo(xs[static_cast<size_t>(loop[0].x)], ys[static_cast<size_t>(loop[0].y)]);
    for (size_t i = 1; i < loop.size(); ++i) path.lineTo(xs[static_cast<size_t>(loop[i].x)], ys[static_cast<size_t>(loop[i].y)]);
    path.closeSubpath();
  }
  return path;
}

void ImageOverlayRenderer::paint(QPainter& p, const QRectF& area) const {
  p.save();
  paint_figure_background(p, area, title, kPad, kTitle - 4);
  const QRectF pr = photoRect(area);
  if (photo.isNull()) {
    p.drawText(pr, Qt::AlignCenter, QObject::tr("Run an image model to see its attention over the photo."));
    p.restore();
    return;
  }
  p.setRenderHint(QPainter::SmoothPixmapTransform, true);
  // Device pixels per unit of `area`: the screen's ratio, and an export's scaling to its DPI.
  const double dpr = (p.device() ? p.device()->devicePixelRatioF() : 1.0) * std::abs(p.combinedTransform().m11());
  const QSize px = (pr.size() * dpr).toSize();
  if (scaled_photo && px.width() < photo.width() && !px.isEmpty()) {
    if (scaled_photo->key != photo.cacheKey() || scaled_photo->size != px) {
      scaled_photo->image = photo.scaled(px, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
      scaled_photo->key = photo.cacheKey();
      scaled_photo->size = px;
    }
    p.drawImage(pr, scaled_photo->image);
  } else {
    p.drawImage(pr, photo);
  }
  QRectF region;
  const double s = pr.width() / photo.width();
  // Upsampled to the pixels it covers; vector files get the photo's resolution (capped) to stay sharp when zoomed.
  const bool vector = p.paintEngine() && (p.paintEngine()->type() == QPaintEngine::Pdf || p.paintEngine()->type() == QPaintEngine::SVG);
  const QImage overlay = overlayImage(&region, vector ? 1.0 : s * dpr);
  if (!overlay.isNull()) {
    const QRectF target(pr.left() + region.x() * s, pr.top() + region.y() * s, region.width() * s, region.height() * s);
    p.save();
    p.setClipRect(pr);
    p.setRenderHint(QPainter::SmoothPixmapTransform, smooth);
    p.drawImage(target, overlay);
    p.restore();
  }
  // What the model never saw (a centre crop's cut-off sides) is dimmed, and the crop outlined.
  const RectF box = geometry.empty() ? RectF{} : geometry.crop_box();
  const QRectF crop = QRectF(pr.left() + box.x * s, pr.top() + box.y * s, box.width * s, box.height * s).intersected(pr);
  if (!geometry.empty() && (crop.width() < pr.width() - 1 || crop.height() < pr.height() - 1)) {
    QPainterPath outside;
    outside.setFillRule(Qt::OddEvenFill);
    outside.addRect(pr);
    outside.addRect(crop);
    p.fillPath(outside, QColor(0, 0, 0, 150));
    p.setPen(QPen(Qt::white, 1.5, Qt::DashLine));
    p.setBrush(Qt::NoBrush);
    p.drawRect(crop);
  }
  const QPainterPath c = contourPath(pr);
  if (!c.isEmpty()) {
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(Qt::white, 3));
    p.drawPath(c);
    p.setPen(QPen(Qt::black, 1.2, Qt::DashLine));
    p.drawPath(c);
  }
  // Excluded patches are crossed out: their weight is not in the map.
  for (int e : excluded) {
    if (e < 0 || e >= geometry.num_patches()) continue;
    const RectF q = geometry.patch_rect(e / geometry.cols, e % geometry.cols);
    const QRectF cell(pr.left() + q.x * s, pr.top() + q.y * s, q.width * s, q.height * s);
    p.fillRect(cell, QColor(128, 128, 128, 170));
    p.setPen(QPen(Qt::white, 1.5));
    p.drawLine(cell.topLeft(), cell.bottomRight());
    p.drawLine(cell.topRight(), cell.bottomLeft());
  }
  // The query patch last, so that a contour along its edges does not hide it.
  if (!overlay.isNull() && query_patch >= 0 && query_patch < geometry.num_patches()) {
    const RectF q = geometry.patch_rect(query_patch / geometry.cols, query_patch % geometry.cols);
    p.setPen(QPen(QColor(220, 40, 40), 2));
    p.setBrush(Qt::NoBrush);
    p.drawRect(QRectF(pr.left() + q.x * s, pr.top() + q.y * s, q.width * s, q.height * s));
  }
  // The colour bar runs along the photo, leaving room under it for the registers' column.
  const double bar_height = register_weights.empty() ? pr.height() : std::min(pr.height(), std::max(160.0, pr.height() / 2));
  if (bar) paint_color_bar(p, QRectF(pr.right() + kPad, pr.top(), kColorBarWidth, bar_height), *bar);
  if (!register_weights.empty()) {
    // The registers have no place on the photo: a column of cells beside it, on the same scale.
    const double cell = 18, x = pr.right() + kPad;
    double y = pr.top() + bar_height + 14;
    p.setPen(QColor(80, 80, 80));
    p.drawText(QRectF(x, y, kColorBarWidth + kPad, cell), Qt::AlignLeft | Qt::AlignVCenter, QObject::tr("registers"));
    y += cell + 2;
    for (size_t i = 0; i < register_weights.size(); ++i, y += cell + 3) {
      const double t = i < register_shade.size() ? std::clamp(register_shade[i], 0.0, 1.0) : 0.0;
      p.fillRect(QRectF(x, y, cell, cell), QColor::fromRgb(cmap.rgb(t)));
      p.setPen(Qt::black);
      p.drawRect(QRectF(x, y, cell, cell));
      p.drawText(QRectF(x + cell + 4, y, kColorBarWidth, cell), Qt::AlignLeft | Qt::AlignVCenter,
                 QString("R%1  %2").arg(i).arg(register_weights[i], 0, 'f', 3));
    }
  }
  p.setPen(QColor(80, 80, 80));
  const double ch = caption_height(caption, area.width() - 2 * kPad);
  p.setFont(QFont());  // the font caption_height() measured
  p.drawText(QRectF(area.left() + kPad, area.bottom() - kPad - ch, area.width() - 2 * kPad, ch), Qt::AlignLeft | Qt::AlignVCenter | Qt::TextWordWrap,
             caption);
  p.restore();
}

QImage ImageOverlayRenderer::bareOverlay() const {
  if (photo.isNull()) return {};
  QImage out = photo.convertToFormat(QImage::Format_ARGB32);
  QPainter p(&out);
  p.setRenderHint(QPainter::SmoothPixmapTransform, smooth);
  QRectF region;
  const QImage overlay = overlayImage(&region, 1.0);
  if (!overlay.isNull()) p.drawImage(region, overlay);
  const QPainterPath c = contourPath(QRectF(QPointF(0, 0), photo.size()));
  if (!c.isEmpty()) {
    const double w = std::max(1.0, photo.width() / 400.0);  // visible at any photo size
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(Qt::white, 2.5 * w));
    p.drawPath(c);
    p.setPen(QPen(Qt::black, w, Qt::DashLine));
    p.drawPath(c);
  }
  return out;
}

int ImageOverlayRenderer::patchAt(const QRectF& area, const QPointF& pos) const {
  if (photo.isNull() || geometry.empty()) return -1;
  const QRectF pr = photoRect(area);
  const double s = pr.width() / photo.width();
  const auto patch = geometry.patch_at((pos.x() - pr.left()) / s, (pos.y() - pr.top()) / s);
  return patch ? *patch : -1;
}

}  // namespace attnscope::ui
