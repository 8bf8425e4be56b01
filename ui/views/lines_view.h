#pragma once

#include <QWidget>

#include "ui/document/view_state.h"

class QComboBox;
class QDoubleSpinBox;
class QScrollArea;
class QSpinBox;

namespace attnscope::ui {

class AnalysisDocument;
class LinesRenderer;
class RendererView;

// BertViz-style head view, with its layer selector and head strip: click a head's square to add
// it to the overlay or take it out. Hover a token to isolate its lines (the tooltip lists the
// strongest); click a query token to select it for the Text view. Lines below a weight, or
// beyond each query's k strongest, are hidden.
class LinesView : public QWidget {
  Q_OBJECT
 public:
  explicit LinesView(AnalysisDocument* document, QWidget* parent = nullptr);
  const LinesRenderer* renderer() const;
  RendererView* canvas() const { return canvas_; }

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void rebuild();
  void syncControls();
  void toggleHead(int head);
  QString tipFor(int side, int index) const;
  AnalysisDocument* document_;
  QComboBox* layer_;
  QDoubleSpinBox* min_weight_;
  QSpinBox* top_k_;
  QScrollArea* scroll_;
  RendererView* canvas_;
};

}  // namespace attnscope::ui
