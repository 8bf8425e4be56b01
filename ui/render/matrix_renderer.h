#pragma once

#include <memory>
#include <optional>

#include <QImage>
#include <QPoint>
#include <QRectF>
#include <QStringList>

#include "ui/document/display_map.h"
#include "ui/render/figure_renderer.h"

namespace attnscope::ui {

// How cells smaller than a pixel are shown: each pixel stands for a block of cells and shows their
// maximum (a single strong cell never disappears) or their mean.
enum class Pooling { Max, Mean };

// The visible part of a matrix at the resolution it is drawn at: exact cells when each covers at
// least a pixel, otherwise blocks of block x block cells, pooled. Block (i, j) covers columns
// first_col + j*block .. +block and rows first_row + i*block .. +block (fewer at the edges).
struct PooledCells {
  attnscope::RowMatrix values;  // [blocks down, blocks across]; NaN where every cell is masked
  int first_col = 0, first_row = 0;
  int block = 1;
};

// `range`: the visible cells in cell coordinates (x: keys, y: queries; cell i spans i ± 0.5).
// Costs the visible cells, never the whole matrix at full size.
PooledCells pool_cells(const attnscope::RowMatrix& shade, const QRectF& range, QSize pixels, Pooling pooling);

// The attention matrix: key tokens along x, query tokens down y (row 0 at the top), token labels
// on both axes thinned so they never overlap, masked cells grey, and a colour bar naming the
// normalisation. The Matrix view draws it on screen (zoomed by `range`) and every export draws the
// same.
// The side bar of the share each row gave to excluded (sink) tokens, DisplayMap::excluded_mass.
inline constexpr double kSinkBarWidth = 10.0;

class MatrixRenderer : public FigureRenderer {
 public:
  std::shared_ptr<const DisplayMap> map;
  ColorMap cmap;
  QString title;
  std::optional<QRectF> range;  // visible cells; none: the whole matrix
  Pooling pooling = Pooling::Max;
  double label_point_size = 8;

  QSizeF naturalSize() const override;
  void paint(QPainter& painter, const QRectF& area) const override;

  QRectF visible() const;                      // `range`, or the whole matrix
  QRectF cellsRect(const QRectF& area) const;  // where the cells go in a figure drawn in `area`
  QPointF toCell(const QRectF& area, const QPointF& pos) const;  // cell coordinates of a point
  QPointF cellCenter(const QRectF& area, int row, int col) const;
  QPoint cellAt(const QRectF& area, const QPointF& pos) const;  // (col, row) under `pos`, or (-1, -1)
  // The cells as the last paint() pooled them (for tests and the view's status).
  const PooledCells& pooled() const { return cache_.cells; }

 private:
  QFont tickFont() const;
  struct Cache {
    QRectF range;
    QSize pixels;
    Pooling pooling = Pooling::Max;
    PooledCells cells;
    QImage image;
  };
  mutable Cache cache_;
  mutable double row_label_w_ = -1, col_label_w_ = -1;
};

}  // namespace attnscope::ui
