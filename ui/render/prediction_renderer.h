#pragma once

#include <vector>

#include <QObject>
#include <QString>

#include "ui/render/figure_renderer.h"

namespace attnscope::ui {

// Horizontal bars of the top-k classes or next tokens with their probabilities.
class PredictionRenderer : public FigureRenderer {
 public:
  struct Bar {
    QString label;
    double probability = 0;
  };
  QString title;  // "Next token after '…'" / "Top classes"
  std::vector<Bar> bars;
  QColor bar_color = QColor(68, 1, 84);

  QSizeF naturalSize() const override;
  void paint(QPainter& painter, const QRectF& area) const override;
};

}  // namespace attnscope::ui
