#pragma once

#include <memory>

#include <QWidget>

#include "ui/render/figure_renderer.h"

namespace attnscope::ui {

// A figure drawn by rendering a whole widget, for the composite views (Inside the head, Cost)
// whose figures are their widgets. The widget is laid out offscreen at the figure's size; its
// labels are drawn as text, its QCustomPlot parts as pictures (raster in SVG/PDF).
class WidgetFigure : public FigureRenderer {
 public:
  WidgetFigure(std::unique_ptr<QWidget> widget, QSizeF natural_size);
  QSizeF naturalSize() const override { return natural_; }
  void paint(QPainter& painter, const QRectF& area) const override;

 private:
  std::unique_ptr<QWidget> widget_;
  QSizeF natural_;
};

}  // namespace attnscope::ui
