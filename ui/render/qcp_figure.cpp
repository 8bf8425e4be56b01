#include "ui/render/qcp_figure.h"

#include <QPicture>

#include <qcustomplot.h>

namespace attnscope::ui {

QcpFigure::QcpFigure(const Setup& setup, QSizeF natural_size, std::function<void(QCustomPlot*)> after_layout)
    : plot_(std::make_unique<QCustomPlot>()), natural_(natural_size), after_layout_(std::move(after_layout)) {
  plot_->setAttribute(Qt::WA_DontShowOnScreen);
  plot_->setBackground(Qt::white);
  setup(plot_.get());
}

QcpFigure::~QcpFigure() = default;

void QcpFigure::paint(QPainter& painter, const QRectF& area) const {
  const int w = qRound(area.width()), h = qRound(area.height());
  if (w <= 0 || h <= 0) return;
  if (after_layout_) {
    QPicture layout_pass;  // lays the plot out at w x h; the axis geometry stays for after_layout_
    QCPPainter lp(&layout_pass);
    plot_->toPainter(&lp, w, h);
    lp.end();
    after_layout_(plot_.get());
  }
  QPicture picture;
  QCPPainter qp(&picture);
  qp.setMode(QCPPainter::pmVectorized);
  qp.setMode(QCPPainter::pmNoCaching);
  qp.setRenderHint(QPainter::LosslessImageRendering);  // recorded into the picture for PDF output
  plot_->toPainter(&qp, w, h);
  qp.end();
  painter.save();
  painter.translate(area.topLeft());
  painter.drawPicture(0, 0, picture);
  painter.restore();
}

}  // namespace attnscope::ui
