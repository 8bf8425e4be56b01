#pragma once

#include <functional>
#include <memory>

#include "ui/render/figure_renderer.h"

class QCustomPlot;

namespace attnscope::ui {

// A figure drawn by an offscreen QCustomPlot (the Matrix and Heads views' figures for export).
// paint() records the plot through a QCPPainter into a QPicture and replays it, as QCustomPlot's
// documentation suggests for plain QPainters, so axes and labels stay vectors in SVG and PDF.
class QcpFigure : public FigureRenderer {
 public:
  using Setup = std::function<void(QCustomPlot*)>;
  // `setup` builds the plot once; `after_layout` (optional) runs after the layout at the final
  // size is known, e.g. to thin tick labels, before the real drawing.
  QcpFigure(const Setup& setup, QSizeF natural_size, std::function<void(QCustomPlot*)> after_layout = {});
  ~QcpFigure() override;

  QSizeF naturalSize() const override { return natural_; }
  void paint(QPainter& painter, const QRectF& area) const override;
  QCustomPlot* plot() const { return plot_.get(); }

 private:
  std::unique_ptr<QCustomPlot> plot_;
  QSizeF natural_;
  std::function<void(QCustomPlot*)> after_layout_;
};

}  // namespace attnscope::ui
