#pragma once

#include <QWidget>

class QPushButton;
class QSpinBox;

namespace attnscope::ui {

class AnalysisDocument;
class ChartsRenderer;
class RendererView;

// What attention costs on the loaded model (ui/figures/cost_figure), with the button that measures
// runs at increasing lengths.
class CostView : public QWidget {
  Q_OBJECT
 public:
  explicit CostView(AnalysisDocument* document, QWidget* parent = nullptr);
  const ChartsRenderer* renderer() const;

 signals:
  void measureRequested(int max_length);

 private:
  void refresh();
  AnalysisDocument* document_;
  QSpinBox* max_length_;
  QPushButton* measure_;
  RendererView* canvas_;
};

}  // namespace attnscope::ui
