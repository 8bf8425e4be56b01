#pragma once

#include <QWidget>

#include "ui/document/display_map.h"
#include "ui/render/matrix_plot.h"

class QCustomPlot;
class QCPColorMap;

namespace attnscope::ui {

class AnalysisDocument;
class PatchLocator;

// The [query x key] attention matrix of the current selection, with zoom (wheel), pan (drag),
// reset (double-click), a hover tooltip naming both tokens and the weight, and click-to-select
// the query row for the Text and Image views. For image models, hovering shows where the cell's
// patches lie on a small picture of the photo. Long inputs stay fluid: only the visible cells are
// drawn, pooled into blocks when they are smaller than a pixel (right-click: maximum or mean).
class MatrixView : public QWidget {
  Q_OBJECT
 public:
  explicit MatrixView(AnalysisDocument* document, QWidget* parent = nullptr);
  QCustomPlot* plot() const { return plot_; }
  const DisplayMap& displayMap() const { return map_; }
  QCPColorMap* colorMap() const { return color_map_; }
  int blockSize() const { return block_; }  // cells per drawn block side (1: exact cells)
  MatrixPlot::Pooling pooling() const { return pooling_; }
  void setPooling(MatrixPlot::Pooling pooling);
  PatchLocator* patchLocator() const { return locator_; }  // image models: where the hovered cell's patches are

 private:
  void refresh();
  void showTip(QMouseEvent* event);
  void placeLocator(const QPointF& cursor);
  bool eventFilter(QObject* watched, QEvent* event) override;
  void updateCells();

  AnalysisDocument* document_;
  QCustomPlot* plot_;
  DisplayMap map_;
  QStringList labels_;
  QCPColorMap* color_map_ = nullptr;
  PatchLocator* locator_;
  MatrixPlot::Pooling pooling_ = MatrixPlot::Pooling::Max;
  int block_ = 1;
  QSize laid_out_;  // the axis rect size the cells were pooled for
  bool cells_dirty_ = false;  // map or zoom changed: pool again at the next replot
};

}  // namespace attnscope::ui
