#include "ui/render/widget_figure.h"

namespace attnscope::ui {

WidgetFigure::WidgetFigure(std::unique_ptr<QWidget> widget, QSizeF natural_size) : widget_(std::move(widget)), natural_(natural_size) {
  widget_->setAttribute(Qt::WA_DontShowOnScreen);
  widget_->resize(natural_.toSize());
  widget_->show();  // offscreen: lays the widget out so it can be rendered
}

void WidgetFigure::paint(QPainter& painter, const QRectF& area) const {
  widget_->resize(area.size().toSize());
  painter.save();
  painter.fillRect(area, Qt::white);
  widget_->render(&painter, area.topLeft().toPoint(), QRegion(), QWidget::DrawChildren);
  painter.restore();
}

}  // namespace attnscope::ui
