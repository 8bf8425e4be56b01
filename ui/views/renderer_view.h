#pragma once

#include <memory>

#include <QWidget>

#include "ui/render/figure_renderer.h"

namespace attnscope::ui {

// A widget that shows a FigureRenderer, filling its area.
class RendererView : public QWidget {
  Q_OBJECT
 public:
  explicit RendererView(QWidget* parent = nullptr) : QWidget(parent) {}
  void setRenderer(std::unique_ptr<FigureRenderer> renderer) {
    renderer_ = std::move(renderer);
    update();
  }
  const FigureRenderer* renderer() const { return renderer_.get(); }

 protected:
  void paintEvent(QPaintEvent*) override {
    QPainter p(this);
    if (renderer_) renderer_->paint(p, rect());
    else p.fillRect(rect(), palette().window());
  }

 private:
  std::unique_ptr<FigureRenderer> renderer_;
};

}  // namespace attnscope::ui
