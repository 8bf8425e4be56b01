#pragma once

#include <QWidget>

class QComboBox;
class QCustomPlot;
class QLabel;
class QSlider;

namespace attnscope::ui {

class AnalysisDocument;

// Inside one head: softmax(q K^T / sqrt(d_k)) V for the selected layer, head and query token,
// step by step on the loaded model: q and the keys, the scores before and after scaling, the
// softmax weights (equal to the Matrix view's row at T = 1) beside the weights other scoring
// functions would give, and V with the output vector. Each step has its formula with the numbers
// filled in; the temperature slider sharpens or flattens every distribution.
// Q, K and V are captured by running the input again when the view first needs them.
class InsideHeadView : public QWidget {
  Q_OBJECT
 public:
  explicit InsideHeadView(AnalysisDocument* document, QWidget* parent = nullptr);

 signals:
  void internalsNeeded(int layer);

 protected:
  void showEvent(QShowEvent* event) override;

 private:
  void refresh();
  void syncControls();
  AnalysisDocument* document_;
  QLabel* header_;
  QComboBox* query_;
  QSlider* temperature_;
  QLabel* temperature_label_;
  QCustomPlot* qk_plot_;
  QCustomPlot* score_plot_;
  QCustomPlot* weight_plot_;
  QCustomPlot* value_plot_;
  QLabel* qk_formula_;
  QLabel* score_formula_;
  QLabel* weight_formula_;
  QLabel* value_formula_;
  bool syncing_ = false;
  int requested_layer_ = -1;
};

}  // namespace attnscope::ui
