#pragma once

#include <optional>
#include <vector>

#include <QImage>
#include <QObject>
#include <QString>
#include <QStringList>

#include "ui/render/figure_renderer.h"

namespace attnscope::ui {

// Every layer x head as a thumbnail grid (text: the attention matrix; images: the CLS map over
// the patches), with layer and head labels and the selected head outlined.
class OverviewRenderer : public FigureRenderer {
 public:
  int layers = 0;                    // grid rows
  int heads = 0;                     // grid columns: the heads, and a fused column when the selection fuses them
  std::vector<int> layer_ids;        // model layer of each grid row
  QStringList layer_labels;          // of each grid row (axis_labels.h); empty: "L<layer>"
  QStringList head_labels;           // of each column; empty: "H<head>"
  std::vector<QImage> thumbnails;    // layers x heads, row-major; null images are drawn empty
  QStringList tips;                  // hover text of each cell, row-major (may be empty)
  int selected_layer = -1;           // grid row, or -1
  int selected_head = -1;
  QString title;
  QString caption;                   // under the grid, e.g. what the colour means
  std::optional<ColorBar> bar;
  double cell_aspect = 1.0;          // width / height of a cell: a photo's, so maps are not stretched square
  bool photo_thumbnails = false;     // maps over a photo: drawn smoothly, not as crisp cells

  QSizeF naturalSize() const override;
  // Fills `area`: when the rows are many and the area is wide, they are wrapped into blocks side
  // by side (12 layers x 3 heads on a wide window: 3 blocks of 4 layers) so the cells are larger.
  void paint(QPainter& painter, const QRectF& area) const override;
  // The (grid row, head) under `pos`, or (-1, -1).
  std::pair<int, int> cellAt(const QRectF& area, const QPointF& pos) const;
  int blocks(const QRectF& area) const { return layout(area).blocks; }
  QRectF cellRect(const QRectF& area, int row, int head) const { return layout(area).cellRect(row, head); }

 private:
  struct Layout {
    double left, top, cell, cell_w, gap;  // left: the first block's cells; cell: height; cell_w: width
    int blocks = 1, rows_per_block = 1;
    double block_span = 0;                // from one block's left edge to the next one's
    QRectF cellRect(int row, int head) const;
  };
  Layout layout(const QRectF& area) const;
  int naturalBlocks() const;
  Layout layoutIn(const QRectF& area, int blocks) const;
  double labelWidth() const;
  double labelHeight() const;
};

}  // namespace attnscope::ui
