#pragma once

#include <QPainter>
#include <QRectF>
#include <QSizeF>
#include <QString>

#include <vector>

#include "ui/render/color_map.h"

namespace attnscope::ui {

// What a colour bar shows: the colour map from `lower` to `upper` (log-spaced if `log`), and a
// label naming the value and the normalisation.
struct ColorBar {
  ColorMap cmap;
  double lower = 0.0;
  double upper = 1.0;
  bool log = false;
  QString label;
  bool faded = false;  // the colours as ColorMap::faded() gives them (the Text view's highlights)
};

// Something that draws one view's picture: on a widget, into a QImage (PNG), a QSvgGenerator or a
// QPdfWriter. Renderers hold a snapshot of what to draw, prepared from the document by the view's
// builder in ui/figures/, so the screen and an exported figure come from one drawing routine.
class FigureRenderer {
 public:
  virtual ~FigureRenderer() = default;
  // A natural size in device-independent pixels (1/96 inch), for exports without a window.
  virtual QSizeF naturalSize() const = 0;
  virtual void paint(QPainter& painter, const QRectF& area) const = 0;
  // True for a figure that does not lay itself out to the area it is given (rows of a fixed
  // height): files smaller than its natural size scale it down instead of cutting it.
  virtual bool fixedLayout() const { return false; }
  // The height the figure needs at `width` when that depends on the width (wrapped text); <= 0:
  // its natural proportions.
  virtual double heightForWidth(double width) const {
    Q_UNUSED(width);
    return 0;
  }
};

// The bold font a title is drawn in within `width`: `base`, made smaller (down to kTitleMinScale of
// its size) where the title would not fit, so that titles of single-column figures are not cut.
inline constexpr double kTitleMinScale = 0.5;
QFont title_font(const QFont& base, const QString& title, double width);
// Fills `area` white and draws `title` in bold (title_font) along its top edge (height `height`,
// inset `pad`); the painter's font is left as it was.
void paint_figure_background(QPainter& painter, const QRectF& area, const QString& title, double pad, double height);

// A vertical colour bar in `area`: the gradient strip on the left, ticks and numbers to its right,
// the label written upwards at the right edge. kColorBarWidth is the room it needs.
inline constexpr double kColorBarWidth = 78.0;
void paint_color_bar(QPainter& painter, const QRectF& area, const ColorBar& bar);

// A note over a figure (a derived map still computing, or cancelled): a pale banner with the text,
// centred at the top of `area`.
void paint_pending_banner(QPainter& painter, const QRectF& area, const QString& text);

// Tick values between lower and upper: about five 1-2-5 steps, or the decades on a log scale.
std::vector<double> axis_ticks(double lower, double upper, bool log);

}  // namespace attnscope::ui
