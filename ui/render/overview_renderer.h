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
  int layers = 0;
  int heads = 0;
  std::vector<int> layer_ids;        // model layer of each grid row
  QStringList layer_labels;          // of each grid row (axis_labels.h); empty: "L<layer>"
  QStringList head_labels;           // of each head; empty: "H<head>"
  std::vector<QImage> thumbnails;    // layers x heads, row-major; null images are drawn empty
  int selected_layer = -1;           // grid row, or -1
  int selected_head = -1;
  QString title;
  QString caption;                   // under the grid, e.g. what the colour means
  std::optional<ColorBar> bar;
  double cell_aspect = 1.0;
  bool photo_thumbnails = false;     // maps over a photo: drawn smoothly, not as crisp cells          // width / height of a cell: a photo's, so maps are not stretched square

  QSizeF naturalSize() const override;
  void paint(QPainter& painter, const QRectF& area) const override;
  // The (grid row, head) under `pos`, or (-1, -1).
  std::pair<int, int> cellAt(const QRectF& area, const QPointF& pos) const;

 private:
  struct Layout {
    double left, top, cell, cell_w, gap;  // cell: height; cell_w: width
  };
  Layout layout(const QRectF& area) const;
  double labelWidth() const;
  double labelHeight() const;
};

}  // namespace attnscope::ui
