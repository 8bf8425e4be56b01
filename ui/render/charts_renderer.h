#pragma once

#include <vector>

#include "ui/render/chart.h"
#include "ui/render/figure_renderer.h"

namespace attnscope::ui {

// A figure of charts in rows under a rich-text header (HTML as QTextDocument reads it: <b>, <sub>,
// <i>, <br>). Each row holds its charts side by side and, if it has one, a note beside them (the
// Inside figure's formulas). The Inside and Cost views show exactly this; so do their exports.
class ChartsRenderer : public FigureRenderer {
 public:
  struct Row {
    std::vector<Chart> charts;
    QString note;       // rich text right of the charts
    double stretch = 1;  // share of the height
  };
  QString title;   // for exports: model, layer, head; empty on screen
  QString header;  // rich text across the top
  std::vector<Row> rows;
  double note_fraction = 0.4;  // of the width, in rows with a note
  QSizeF natural{1100, 860};

  QSizeF naturalSize() const override { return natural; }
  void paint(QPainter& painter, const QRectF& area) const override;
  bool fixedLayout() const override { return true; }  // its notes and legends need their width
  // The chart at (row, column), or null.
  const Chart* chart(size_t row, size_t column = 0) const;
  // The numbers under `pos` in a figure drawn in `area` (chart_tip), or empty.
  QString tipAt(const QRectF& area, const QPointF& pos) const;

 private:
  struct Placed {
    std::vector<std::pair<QRectF, const Chart*>> charts;
    QRectF note;
    const Row* row = nullptr;
  };
  std::vector<Placed> layout(const QRectF& area) const;
};

// Draws rich text (a QTextDocument's HTML subset) wrapped to `area`'s width, clipped to its height;
// returns the height it needs.
double paint_rich_text(QPainter& painter, const QRectF& area, const QString& html, double point_size = 9);
double rich_text_height(const QString& html, double width, double point_size = 9);

}  // namespace attnscope::ui
