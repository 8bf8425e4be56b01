#pragma once

#include <QStringList>

#include "core/common/tensor.h"
#include "ui/document/view_state.h"
#include "ui/render/figure_renderer.h"

namespace attnscope::ui {

// The alignment picture of translation: decoder positions (targets) x source tokens, as a matrix
// (rows = targets, columns = sources) or as BertViz-style lines from the targets on the left to
// the sources on the right. A chosen target highlights the source tokens it attends to in the
// strip below, shaded by weight; a chosen source does the reverse. The hard alignment is the
// argmax of each target row.
class CrossAttentionRenderer : public FigureRenderer {
 public:
  QStringList targets;           // [T] decoder positions as shown
  QStringList sources;           // [S] source tokens as shown
  attnscope::RowMatrix weights;  // [T, S]; each row sums to 1
  CrossMode mode = CrossMode::Matrix;
  bool argmax = false;
  bool row_scale = true;         // shade each row relative to its own max (else the matrix max)
  int selected_target = -1;
  int selected_source = -1;
  ColorMap cmap;
  QString title;
  QString caption;               // what is shown, under the title

  QSizeF naturalSize() const override;
  void paint(QPainter& painter, const QRectF& area) const override;

  // The target and/or source under `pos`: a matrix cell gives both, a row or column label or a
  // line end one of them, a token of the strip below the one it stands for; -1 where none.
  struct Hit {
    int target = -1;
    int source = -1;
  };
  Hit hitTest(const QRectF& area, const QPointF& pos) const;
  // Hard alignment: for each target row, the source with the largest weight (first on ties).
  std::vector<int> alignment() const;

 private:
  struct Layout {
    QRectF grid;        // matrix mode: the cells; lines mode: between the two label columns
    double cell = 0;    // matrix: side of a cell; lines: row pitch
    double label_w = 0; // room for the row labels (and, in lines mode, the right column)
    QRectF strip;       // the highlighted text below
  };
  Layout layout(const QRectF& area, const QFont& font) const;
  double shade(int t, int s) const;  // weight scaled to [0, 1] for colouring
  void paintMatrix(QPainter& p, const Layout& l) const;
  void paintLines(QPainter& p, const Layout& l) const;
  void paintStrip(QPainter& p, const Layout& l) const;
  // Strip tokens: the sources (a target chosen, or none) or the targets (a source chosen).
  bool stripShowsTargets() const { return selected_source >= 0 && selected_target < 0; }
  std::vector<QRectF> stripBoxes(const Layout& l, const QFont& font) const;
};

}  // namespace attnscope::ui
