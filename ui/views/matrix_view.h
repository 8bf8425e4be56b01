#pragma once

#include <memory>

#include <QWidget>

#include "ui/document/display_map.h"
#include "ui/render/matrix_renderer.h"

namespace attnscope::ui {

class TokenSearch;

class AnalysisDocument;
class PatchLocator;

// The [query x key] attention matrix of the current selection (ui/render/matrix_renderer), with
// zoom (wheel), pan (drag), reset (double-click), a hover tooltip naming both tokens and the
// weight, and Ctrl+click to select the query row for the Text and Image views. For image models,
// hovering shows where the cell's patches lie on a small picture of the photo. Long inputs stay
// fluid: only the visible cells are drawn, pooled into blocks when they are smaller than a pixel
// (right-click: maximum or mean).
class MatrixView : public QWidget {
  Q_OBJECT
 public:
  explicit MatrixView(AnalysisDocument* document, QWidget* parent = nullptr);
  const DisplayMap& displayMap() const;
  const MatrixRenderer* renderer() const { return renderer_.get(); }
  int blockSize() const;  // cells per drawn block side (1: exact cells)
  Pooling pooling() const { return pooling_; }
  void setPooling(Pooling pooling);
  // The visible cells (x: keys, y: queries, cell i spans i ± 0.5); setting it is what the wheel
  // and a drag do.
  QRectF visibleCells() const;
  void setVisibleCells(const QRectF& cells);
  void resetZoom();
  // The shown weights as TSV (a row, a column, a cell, or all with -1), as Copy puts them on the clipboard.
  QString tsv(int row, int col) const;
  // Brings the first token (after the last found, with `next`) whose text contains `text`, or whose
  // index it is, into sight and makes it the query; its display row, or -1.
  int findToken(const QString& text, bool next = false);
  QPointF cellCenter(int row, int col) const;  // in widget pixels
  PatchLocator* patchLocator() const { return locator_; }  // image models: where the hovered cell's patches are

 protected:
  void paintEvent(QPaintEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  void contextMenuEvent(QContextMenuEvent* event) override;
  void leaveEvent(QEvent* event) override;

 private:
  void refresh();
  void copyTsv(int row, int col);
  TokenSearch* search_;
  void showTip(const QPointF& pos, const QPoint& global);
  void placeLocator(const QPointF& cursor);
  void zoomChanged();

  AnalysisDocument* document_;
  std::unique_ptr<MatrixRenderer> renderer_;
  std::shared_ptr<DisplayMap> map_;  // what renderer_ draws, recycled by the next refresh
  PatchLocator* locator_;
  Pooling pooling_ = Pooling::Max;
  QPointF press_, last_;
  bool dragging_ = false;
};

}  // namespace attnscope::ui
