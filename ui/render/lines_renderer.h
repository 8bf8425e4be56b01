#pragma once

#include <vector>

#include <QColor>
#include <QStringList>

#include "core/common/tensor.h"
#include "ui/render/figure_renderer.h"

namespace attnscope::ui {

// The head view of BertViz: the tokens twice, queries on the left and keys on the right, joined
// by lines whose opacity is the attention weight. Several heads are overlaid in distinct colours.
// Hovering a token keeps only its lines.
class LinesRenderer : public FigureRenderer {
 public:
  struct Layer {
    QColor color;
    QString name;              // "H3", "mean of heads"
    attnscope::RowMatrix weights;  // [n, n] over the shown tokens
  };
  QStringList labels;          // one per shown token
  std::vector<int> row_tokens, col_tokens;  // the token index of each shown query (left) and key (right)
  std::vector<Layer> heads;
  int hover_side = -1;         // 0 left (query), 1 right (key), -1 none
  int hover_index = -1;
  QString title;
  double min_weight = 0.003;   // thinner lines are not drawn

  static constexpr double kRowHeight = 18.0;
  QSizeF naturalSize() const override;
  void paint(QPainter& painter, const QRectF& area) const override;
  // (side, index) of the token label under `pos`, or (-1, -1).
  std::pair<int, int> tokenAt(const QRectF& area, const QPointF& pos) const;

  // Distinct colours for overlaid heads (Okabe-Ito, safe for colour-vision deficiency).
  static QColor headColor(int i);

 private:
  double labelWidth(const QFont& font) const;
  double top(const QRectF& area) const;
};

}  // namespace attnscope::ui
