#pragma once

#include "ui/document/view_state.h"
#include "ui/views/renderer_view.h"

namespace attnscope::ui {

class AnalysisDocument;
class OverviewRenderer;

// All layers x heads at a glance (or the rollout after each layer); a click selects that head (and
// switches to single-head mode), or that layer of the fused column.
class OverviewView : public RendererView {
  Q_OBJECT
 public:
  explicit OverviewView(AnalysisDocument* document, QWidget* parent = nullptr);

 protected:
  bool event(QEvent* event) override;  // tooltips: the cell's largest weight and where it is
  void mousePressEvent(QMouseEvent* event) override;

 private:
  void rebuild();
  void reselect();
  AnalysisDocument* document_;
  ViewState drawn_;  // the selection the thumbnails were made for
};

}  // namespace attnscope::ui
