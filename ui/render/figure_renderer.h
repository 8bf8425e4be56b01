#pragma once

#include <QPainter>
#include <QRectF>
#include <QString>
#include <QSizeF>

namespace attnscope::ui {

// Something that draws one view's picture into any QPainter: a widget on screen, a QImage for
// PNG, a QSvgGenerator or a QPdfWriter. Renderers hold a snapshot of what to draw (prepared by
// their view or by the export code from the same document), so the screen and the exported
// figure come from one drawing routine.
// Fills `area` white and draws `title` in bold along its top edge (height `height`, inset `pad`);
// the painter's font is left as it was.
void paint_figure_background(QPainter& painter, const QRectF& area, const QString& title, double pad, double height);

class FigureRenderer {
 public:
  virtual ~FigureRenderer() = default;
  // A natural size in device-independent pixels (1/96 inch), for exports without a window.
  virtual QSizeF naturalSize() const = 0;
  virtual void paint(QPainter& painter, const QRectF& area) const = 0;
};

}  // namespace attnscope::ui
