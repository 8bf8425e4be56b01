#pragma once

#include <optional>
#include <vector>

#include <QString>
#include <QStringList>

#include "core/common/tensor.h"
#include "ui/render/figure_renderer.h"

namespace attnscope::ui {

// Two results side by side: the layers × heads grid of their Jensen–Shannon divergence, and for
// the selected head A and B on the aligned tokens with one colour scale, then A − B on a diverging
// one.
class CompareRenderer : public FigureRenderer {
 public:
  QString title, subject;
  QString label_a, label_b;           // what A and B are
  QString note;                       // unpaired tokens, model difference
  QStringList tokens;                 // the K aligned tokens
  attnscope::RowMatrix a, b, diff;    // [K, K]
  attnscope::RowMatrix divergence;    // [layers, heads]
  QStringList layer_labels;
  int selected_row = -1, selected_head = -1;  // the grid cell shown, or -1
  ColorMap cmap;

  QSizeF naturalSize() const override;
  void paint(QPainter& painter, const QRectF& area) const override;
  // The grid cell under `pos`: false if none.
  bool gridCellAt(const QRectF& area, const QPointF& pos, int* row, int* head) const;
  // The matrix cell under `pos`: which = 0 (A), 1 (B), 2 (A − B); false if none.
  bool matrixCellAt(const QRectF& area, const QPointF& pos, int* which, int* query, int* key) const;
  double sharedUpper() const;    // the A and B colour scale's top
  double differenceRange() const;  // A − B is drawn on [-range, range]

 private:
  struct Layout {
    QRectF grid, grid_bar, bar_ab, bar_diff, note;
    QRectF m[3];
    double grid_cell = 0;
  };
  Layout layout(const QRectF& area) const;
};

}  // namespace attnscope::ui
