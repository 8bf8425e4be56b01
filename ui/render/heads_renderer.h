#pragma once

#include <optional>
#include <utility>
#include <vector>

#include <QStringList>

#include "core/common/tensor.h"
#include "ui/render/figure_renderer.h"

namespace attnscope::ui {

// A layers x heads heat map of one head statistic, layer 0 at the top, the selected head outlined
// in red. Cells without a value (NaN: induction not computed) are grey. The colour scale is the
// statistic's own range when it has one (0 to 1 for the mass-type scores), or spans the values shown.
// Cells large enough carry their value.
class HeadsRenderer : public FigureRenderer {
 public:
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> values;  // [L, H], row r = layers[r]; NaN = none
  std::vector<int> layers;  // the model layer of each row
  QStringList layer_labels, head_labels;
  QString title;
  QString scale_label;
  ColorMap cmap;
  int selected_row = -1, selected_head = -1;
  std::optional<std::pair<double, double>> fixed_range;  // the colour scale; none: the values' min to max
  QString range_note;          // e.g. "fixed range" / "auto range", shown with the colour bar's label

  QSizeF naturalSize() const override;
  void paint(QPainter& painter, const QRectF& area) const override;
  // (row, head) of the cell under `pos` for a figure drawn in `area`, or (-1, -1).
  std::pair<int, int> cellAt(const QRectF& area, const QPointF& pos) const;
  QPointF cellCenter(const QRectF& area, int row, int head) const;
  // The colour scale: fixed_range, or the finite values' range.
  std::pair<double, double> range() const;
  // Whether the cells are large enough for their numbers at `area`.
  bool showsNumbers(const QRectF& area) const;

 private:
  QRectF cellsRect(const QRectF& area) const;
};

}  // namespace attnscope::ui
