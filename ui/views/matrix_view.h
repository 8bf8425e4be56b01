#pragma once

#include <QWidget>

#include "ui/document/display_map.h"

class QCustomPlot;

namespace attnscope::ui {

class AnalysisDocument;

// The [query x key] attention matrix of the current selection, with zoom (wheel), pan (drag),
// reset (double-click), a hover tooltip naming both tokens and the weight, and click-to-select
// the query row for the Text and Image views.
class MatrixView : public QWidget {
  Q_OBJECT
 public:
  explicit MatrixView(AnalysisDocument* document, QWidget* parent = nullptr);
  QCustomPlot* plot() const { return plot_; }
  const DisplayMap& displayMap() const { return map_; }

 private:
  void refresh();
  void showTip(QMouseEvent* event);

  AnalysisDocument* document_;
  QCustomPlot* plot_;
  DisplayMap map_;
  QStringList labels_;
};

}  // namespace attnscope::ui
