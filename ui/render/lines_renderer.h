#pragma once

#include <vector>

#include <QColor>
#include <QStringList>

#include "core/common/tensor.h"
#include "ui/render/figure_renderer.h"

namespace attnscope::ui {

// The head view of BertViz: the tokens twice, queries on the left and keys on the right, joined
// by lines whose opacity is the attention weight; several heads are overlaid in distinct colours.
// Above them, a strip of the layer's heads in those colours (BertViz's head selector). Drawn at a
// fixed, compact width on screen as in files, so that lines keep their slopes.
class LinesRenderer : public FigureRenderer {
 public:
  struct Layer {
    QColor color;
    QString name;              // "H3", "mean of heads"
    int head = -1;             // its head in the strip, -1 for a fused map
    attnscope::RowMatrix weights;  // [n, n] over the shown tokens
    std::vector<float> row_cut;    // [n] the smallest weight drawn in each query's row (threshold, top k)
  };
  QStringList labels;          // one per shown token
  std::vector<int> row_tokens, col_tokens;  // the token index of each shown query (left) and key (right)
  std::vector<Layer> heads;
  int num_heads = 0;           // of the layer, for the strip (0: no strip)
  int hover_side = -1;         // 0 left (query), 1 right (key), -1 none
  int hover_index = -1;
  QString title;
  QString filter;              // e.g. "lines ≥ 0.01 · top 3 per query"
  QString pending;             // DisplayMap::pending: drawn over the lines

  static constexpr double kRowHeight = 18.0, kGap = 220.0;
  QSizeF naturalSize() const override;
  void paint(QPainter& painter, const QRectF& area) const override;
  bool fixedLayout() const override { return true; }
  // (side, index) of the token label under `pos`, or (-1, -1).
  std::pair<int, int> tokenAt(const QRectF& area, const QPointF& pos) const;
  // The head whose square in the strip is under `pos`, or -1.
  int stripHeadAt(const QRectF& area, const QPointF& pos) const;
  QRectF stripCell(const QRectF& area, int head) const;
  // The y of row `index`'s label centre, and the x of the left and right columns' inner edges.
  double rowY(const QRectF& area, int index) const;
  std::pair<double, double> columnsX(const QRectF& area) const;
  // The colour of the i-th overlaid head: Okabe-Ito's distinct hues first (safe for colour-vision
  // deficiency), so any two or three heads never share a hue.
  static QColor overlayColor(int i);

 private:
  double labelWidth(const QFont& font) const;
  double top(const QRectF& area) const;
};

}  // namespace attnscope::ui
