#pragma once

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPaintEvent>
#include <QPainter>
#include <QToolTip>
#include <QTransform>
#include <QWheelEvent>

#include <QWidget>

#include "ui/render/figure_renderer.h"

namespace attnscope::ui {

// A widget that shows a FigureRenderer, filling its area. With zooming enabled, the wheel zooms
// about the cursor (1x to 16x), dragging pans and a double click fits again; toFigure() maps a
// widget point to the figure's own coordinates (what the renderer's hit tests take).
class RendererView : public QWidget {
  Q_OBJECT
 public:
  explicit RendererView(QWidget* parent = nullptr) : QWidget(parent) {}
  void setRenderer(std::unique_ptr<FigureRenderer> renderer) {
    renderer_ = std::move(renderer);
    update();
  }
  const FigureRenderer* renderer() const { return renderer_.get(); }
  void setZoomable(bool on) { zoomable_ = on; }
  double zoom() const { return view_.m11(); }
  QPointF toFigure(const QPointF& widget_pos) const { return view_.inverted().map(widget_pos); }
  void resetZoom() {
    view_ = QTransform();
    update();
  }
  // Zooms by `factor` keeping the figure point under `anchor` (widget coordinates) in place.
  void zoomAt(const QPointF& anchor, double factor) {
    const double z = std::clamp(zoom() * factor, 1.0, 16.0) / zoom();
    view_ = view_ * QTransform::fromTranslate(-anchor.x(), -anchor.y()) * QTransform::fromScale(z, z) *
            QTransform::fromTranslate(anchor.x(), anchor.y());
    clampPan();
    update();
  }
  // True between a press and its release when the mouse moved far enough to be a pan, not a click.
  bool panning() const { return panned_; }
  // Tooltips: `tip(area, pos)` gives the text for a point of the figure drawn in `area` (empty: none).
  using Tip = std::function<QString(const QRectF& area, const QPointF& pos)>;
  void setTips(Tip tip) { tip_ = std::move(tip); }

 protected:
  bool event(QEvent* e) override {
    if (e->type() != QEvent::ToolTip || !tip_) return QWidget::event(e);
    auto* help = static_cast<QHelpEvent*>(e);
    const QString text = tip_(rect(), toFigure(help->pos()));
    if (text.isEmpty()) QToolTip::hideText();
    else QToolTip::showText(help->globalPos(), text, this);
    return true;
  }
  void paintEvent(QPaintEvent* e) override {
    QPainter p(this);
    p.setClipRect(e->rect());  // renderers may skip what lies outside (a long text in a scroll area)
    if (!renderer_) {
      p.fillRect(rect(), palette().window());
      return;
    }
    if (zoom() != 1.0) p.fillRect(rect(), Qt::white);
    p.setTransform(view_);
    renderer_->paint(p, rect());
  }
  void wheelEvent(QWheelEvent* e) override {
    if (!zoomable_) return QWidget::wheelEvent(e);
    zoomAt(e->position(), std::pow(1.0015, e->angleDelta().y()));
    e->accept();
  }
  void mousePressEvent(QMouseEvent* e) override {
    press_ = last_ = e->position();
    panned_ = false;
    QWidget::mousePressEvent(e);
  }
  void mouseMoveEvent(QMouseEvent* e) override {
    if (zoomable_ && (e->buttons() & Qt::LeftButton) && zoom() > 1.0) {
      if ((e->position() - press_).manhattanLength() > 4) panned_ = true;
      if (panned_) {
        const QPointF d = e->position() - last_;
        view_ = view_ * QTransform::fromTranslate(d.x(), d.y());
        clampPan();
        update();
      }
    }
    last_ = e->position();
    QWidget::mouseMoveEvent(e);
  }
  void mouseDoubleClickEvent(QMouseEvent* e) override {
    if (zoomable_) resetZoom();
    QWidget::mouseDoubleClickEvent(e);
  }

 private:
  // The zoomed figure always covers the widget: no panning off into emptiness.
  void clampPan() {
    const double z = zoom();
    const double dx = std::clamp(view_.dx(), width() * (1 - z), 0.0), dy = std::clamp(view_.dy(), height() * (1 - z), 0.0);
    view_ = QTransform(z, 0, 0, z, dx, dy);
  }

  std::unique_ptr<FigureRenderer> renderer_;
  Tip tip_;
  bool zoomable_ = false;
  QTransform view_;
  QPointF press_, last_;
  bool panned_ = false;
};

}  // namespace attnscope::ui
