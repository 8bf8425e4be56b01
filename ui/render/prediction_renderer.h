#pragma once

#include <vector>

#include <QObject>
#include <QString>

#include "ui/render/figure_renderer.h"

namespace attnscope::ui {

// Horizontal bars of the top-k classes or next tokens with their probabilities (to 0.01 %) and
// log-probabilities.
class PredictionRenderer : public FigureRenderer {
 public:
  struct Bar {
    QString label;
    double probability = 0;
  };
  QString title;    // the figure's title (an export's names the model)
  QString caption;  // "Next token after '…'" / "Top classes", under the title
  std::vector<Bar> bars;
  QColor bar_color = QColor(68, 1, 84);

  QSizeF naturalSize() const override;
  void paint(QPainter& painter, const QRectF& area) const override;
  bool fixedLayout() const override { return true; }
};

}  // namespace attnscope::ui
