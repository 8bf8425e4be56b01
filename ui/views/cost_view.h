#pragma once

#include <QWidget>

class QCustomPlot;
class QLabel;
class QPushButton;
class QSpinBox;

namespace attnscope::ui {

class AnalysisDocument;

// What attention costs on the loaded model: the last run's measured time per layer, split into
// its parts, and a log-log view of compute (analytic FLOPs: the linear part, the n² part and
// their sum) and memory against sequence length, with measured runs at increasing generated
// lengths, the current input and the length where the n² part overtakes the linear part marked.
class CostView : public QWidget {
  Q_OBJECT
 public:
  explicit CostView(AnalysisDocument* document, QWidget* parent = nullptr);

 signals:
  void measureRequested(int max_length);

 private:
  void refresh();
  AnalysisDocument* document_;
  QLabel* summary_;
  QSpinBox* max_length_;
  QPushButton* measure_;
  QCustomPlot* layers_plot_;
  QCustomPlot* flops_plot_;
  QCustomPlot* memory_plot_;
};

}  // namespace attnscope::ui
