#pragma once

#include <QImage>

#include "core/common/tensor.h"
#include "ui/render/color_map.h"

namespace attnscope::ui {

// A colour image of `shade` (values in [0, 1]) at most `max_side` pixels on its longer side:
// larger matrices are reduced by block maximum, so a single strong cell never disappears.
QImage shade_image(const attnscope::RowMatrix& shade, const ColorMap& cmap, int max_side);

}  // namespace attnscope::ui
