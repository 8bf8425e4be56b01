#pragma once

#include <QColor>
#include <QVector>

#include "ui/document/view_state.h"

namespace attnscope::ui {

// A 256-level colour map: color(t) for t in [0, 1] is level int(t * 255), clamped.
class ColorMap {
 public:
  explicit ColorMap(ColorMapId id = ColorMapId::Viridis);
  ColorMapId id() const { return id_; }
  QRgb rgb(double t) const { return rgb(t, 0.0, 1.0); }
  // The colour of `value` on a scale from `lower` to `upper`.
  QRgb rgb(double value, double lower, double upper) const;
  QColor color(double t) const { return QColor::fromRgb(rgb(t)); }
  QRgb level(int index) const { return lut_[index]; }
  // color(t) laid over white with opacity t, so that weak weights leave text plain (the Text view's
  // highlights and its colour bar).
  QRgb faded(double t) const;

 private:
  ColorMapId id_;
  QVector<QRgb> lut_;
};

}  // namespace attnscope::ui
