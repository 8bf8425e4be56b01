#include "ui/render/color_map.h"

#include <cmath>

#include <qcustomplot.h>

namespace attnscope::ui {

namespace {
#include "ui/render/color_map_data.inc"

const unsigned char (*table(ColorMapId id))[3] {
  switch (id) {
    case ColorMapId::Viridis: return kViridisData;
    case ColorMapId::Magma: return kMagmaData;
    case ColorMapId::Inferno: return kInfernoData;
    case ColorMapId::Cividis: return kCividisData;
    case ColorMapId::Greys: return nullptr;
  }
  return kViridisData;
}
}  // namespace

ColorMap::ColorMap(ColorMapId id) : id_(id), lut_(256) {
  const auto* t = table(id);
  for (int i = 0; i < 256; ++i) {
    if (t) lut_[i] = qRgb(t[i][0], t[i][1], t[i][2]);
    else lut_[i] = qRgb(255 - i, 255 - i, 255 - i);  // white (0) to black (1): high attention is dark ink
  }
}

QRgb ColorMap::rgb(double value, double lower, double upper) const {
  if (std::isnan(value)) return qRgb(255, 255, 255);
  const double size = upper - lower;
  const int index = size > 0 ? static_cast<int>((value - lower) * (255.0 / size)) : 0;
  return lut_[std::clamp(index, 0, 255)];
}

QCPColorGradient ColorMap::gradient() const {
  QCPColorGradient g;
  g.clearColorStops();
  // Stops at i * (1.0 / 255), the exact positions QCPColorGradient gives its 256 levels, so each
  // level is a stop's colour rather than an interpolation that truncates to the neighbour.
  const double step = 1.0 / 255.0;
  for (int i = 0; i < 256; ++i) g.setColorStopAt(i * step, QColor::fromRgb(lut_[i]));
  g.setLevelCount(256);
  g.setColorInterpolation(QCPColorGradient::ciRGB);
  return g;
}

}  // namespace attnscope::ui
