#pragma once

#include <memory>
#include <optional>
#include <vector>

#include <QImage>
#include <QObject>
#include <QPainterPath>
#include <QString>

#include "core/common/tensor.h"
#include "core/image/geometry.h"
#include "ui/render/color_map.h"
#include "ui/render/figure_renderer.h"

namespace attnscope::ui {

// The original photo with an attention map over its patches: each patch's value is drawn over
// the patch's rectangle in ORIGINAL-image coordinates (through the preprocessing's resize and
// crop), nearest (one flat cell per patch) or smooth (bicubic upsampling of the patch grid), with
// an optional contour around the smallest set of patches holding a fraction of the mass.
class ImageOverlayRenderer : public FigureRenderer {
 public:
  QImage photo;                    // the original, RGB
  attnscope::ImageGeometry geometry;
  attnscope::RowMatrix patch_shade;  // [rows, cols] in [0, 1]
  attnscope::RowMatrix patch_values;  // [rows, cols] the weights shaded, for hover read-outs
  ColorMap cmap;
  double opacity = 0.6;
  bool smooth = true;
  std::optional<std::vector<uint8_t>> threshold_keep;  // [rows * cols] patches inside the contour
  int query_patch = -1;            // outlined patch (the query), -1 for none
  std::vector<int> excluded;       // patches left out of the map (crossed out)
  QString title;
  QString subject;                 // what the map is, e.g. "[CLS] → patches" (part of the title)
  QString caption;                 // e.g. "mass threshold 0.6: 23 patches"
  std::optional<ColorBar> bar;     // drawn right of the photo
  // DINOv2 with registers: each register's weight and its shade on the patches' scale, drawn as
  // a column of cells under the colour bar ("R0 0.31"); empty = not shown.
  std::vector<float> register_weights;
  std::vector<double> register_shade;
  // The photo scaled to the size it was last drawn at, shared by a view's successive renderers:
  // smoothly scaling a 12-megapixel photo costs more than all the rest of a head switch. Null
  // (exports): scaled while painting.
  struct ScaledPhoto {
    qint64 key = 0;  // QImage::cacheKey() of the photo
    QSize size;
    QImage image;
  };
  std::shared_ptr<ScaledPhoto> scaled_photo;

  QSizeF naturalSize() const override;
  void paint(QPainter& painter, const QRectF& area) const override;
  // Where the photo is drawn inside `area` (aspect ratio kept).
  QRectF photoRect(const QRectF& area) const;
  // The patch (row-major index) under a point of `area`, or -1.
  int patchAt(const QRectF& area, const QPointF& pos) const;
  // The overlay image over the region the patches cover (`region`, in original-image pixels),
  // upsampled with OpenCV to `pixels_per_original` output pixels per original pixel (at most 1,
  // and at most 2048 pixels a side): the size it is drawn at, not the photo's. Exposed for tests.
  QImage overlayImage(QRectF* region, double pixels_per_original = 1.0) const;
  // The outline of the threshold_keep patches over the photo drawn in `photo_rect`, traced on the
  // patch grid (core/analysis/cell_outline); even-odd fill, so holes stay outside.
  QPainterPath contourPath(const QRectF& photo_rect) const;
  // The photo at its own resolution with the map (and contour) over it: no title, colour bar,
  // caption or crop dimming, for use in other figures.
  QImage bareOverlay() const;
};

}  // namespace attnscope::ui
