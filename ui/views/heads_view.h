#pragma once

#include <QWidget>

class QComboBox;
class QCustomPlot;
class QLabel;

namespace attnscope::ui {

class AnalysisDocument;

// A layers x heads heat map of one head statistic (entropy, distance, special-token mass, …).
// Clicking a cell selects that head.
class HeadsView : public QWidget {
  Q_OBJECT
 public:
  explicit HeadsView(AnalysisDocument* document, QWidget* parent = nullptr);
  QCustomPlot* plot() const { return plot_; }

 signals:
  void inductionRequested();

 private:
  void refresh();
  AnalysisDocument* document_;
  QComboBox* statistic_;
  QLabel* note_;
  QCustomPlot* plot_;
};

}  // namespace attnscope::ui
