#pragma once

#include <QImage>

#include "core/common/tensor.h"
#include "core/image/geometry.h"
#include "ui/render/color_map.h"

namespace attnscope::ui {

// A colour image of `shade` (values in [0, 1]) at most `max_side` pixels on its longer side:
// larger matrices are reduced by block maximum, so a single strong cell never disappears.
QImage shade_image(const attnscope::RowMatrix& shade, const ColorMap& cmap, int max_side);

// The part of `photo` the patches of `geometry` cover (a centre crop's, or all of a resized photo),
// scaled to `long_side` pixels on its longer side in its own aspect ratio.
QImage patches_photo(const QImage& photo, const attnscope::ImageGeometry& geometry, int long_side);

// A patch map over a photo, as the DINO paper shows each head: `shade` ([rows, cols] in [0, 1])
// upsampled with OpenCV to `photo`'s size (bicubic if `smooth`, else one flat cell per patch) and
// blended over it with `opacity`. `photo` is the part of the picture the patches cover.
QImage overlay_thumbnail(const QImage& photo, const attnscope::RowMatrix& shade, const ColorMap& cmap, double opacity, bool smooth);

}  // namespace attnscope::ui
