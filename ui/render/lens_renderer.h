#pragma once

#include <optional>
#include <utility>
#include <vector>

#include <QString>
#include <QStringList>

#include "ui/render/figure_renderer.h"

namespace attnscope::ui {

// The logit lens as a grid: one row per layer (the embeddings at the bottom, the last layer at the
// top, as the stream rises), one column per input position; each cell names the token the stream
// there would predict, coloured by its probability (0 to 1 on the colour bar). Tooltips list the
// top k with their probabilities.
class LensRenderer : public FigureRenderer {
 public:
  struct Cell {
    std::vector<std::pair<QString, double>> top;  // token text, probability; most probable first
  };
  QString title;
  QString caption;        // what the cells mean, under the title
  QString note;           // shown instead of the grid when there is none (computing, no LM head)
  QStringList row_labels; // bottom to top: "embeddings", "L0", ...
  QStringList columns;    // the input tokens
  std::vector<Cell> cells;  // [rows][columns], row 0 = the embeddings
  ColorMap cmap;
  int selected_column = -1;  // the query position, outlined

  QSizeF naturalSize() const override;
  void paint(QPainter& painter, const QRectF& area) const override;
  bool fixedLayout() const override { return true; }
  // Top-k of the cell under `pos`, its layer and position; empty elsewhere.
  QString tipAt(const QRectF& area, const QPointF& pos) const;
  // The (row, column) under `pos`, if a cell.
  std::optional<std::pair<int, int>> cellAt(const QRectF& area, const QPointF& pos) const;

  const Cell& cell(int row, int column) const { return cells[static_cast<size_t>(row * columns.size() + column)]; }

 private:
  struct Layout {
    QRectF grid;  // the cells; the column labels stand above it
    double cell_w = 0, cell_h = 0;
    QRectF bar;   // the colour bar
  };
  Layout layout(const QRectF& area) const;
};

}  // namespace attnscope::ui
