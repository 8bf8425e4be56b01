#include "ui/render/color_map.h"

#include <algorithm>
#include <cmath>

namespace attnscope::ui {

namespace {
#include "ui/render/color_map_data.inc"

const unsigned char (*table(ColorMapId id))[3] {
  switch (id) {
    case ColorMapId::Viridis: return kViridisData;
    case ColorMapId::Magma: return kMagmaData;
    case ColorMapId::Inferno: return kInfernoData;
    case ColorMapId::Cividis: return kCividisData;
    case ColorMapId::Greys: case ColorMapId::Diverging: return nullptr;
  }
  return kViridisData;
}

// ColorBrewer's RdBu anchors, blue first: 0 is the most negative, 255 the most positive, white between.
QRgb diverging(int i) {
  static const int anchors[7][3] = {{33, 102, 172}, {103, 169, 207}, {209, 229, 240}, {247, 247, 247},
                                    {253, 219, 199}, {239, 138, 98},  {178, 24, 43}};
  const double x = i / 255.0 * 6;
  const int k = std::min(5, static_cast<int>(x));
  const double f = x - k;
  const auto mix = [&](int c) { return static_cast<int>(std::lround(anchors[k][c] + f * (anchors[k + 1][c] - anchors[k][c]))); };
  return qRgb(mix(0), mix(1), mix(2));
}

}  // namespace

ColorMap::ColorMap(ColorMapId id) : id_(id), lut_(256) {
  if (id == ColorMapId::Diverging) {
    for (int i = 0; i < 256; ++i) lut_[i] = diverging(i);
    return;
  }
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

QRgb ColorMap::faded(double t) const {
  const QRgb c = rgb(t);
  const double a = std::clamp(t, 0.0, 1.0);
  auto mix = [a](int v) { return static_cast<int>(std::lround(255 + (v - 255) * a)); };
  return qRgb(mix(qRed(c)), mix(qGreen(c)), mix(qBlue(c)));
}

}  // namespace attnscope::ui
