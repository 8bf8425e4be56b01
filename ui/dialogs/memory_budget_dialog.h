#pragma once

#include <vector>

#include <QDialog>

#include "ui/app/session.h"

class QLabel;
class QRadioButton;
class QSpinBox;

namespace attnscope::ui {

// Asked when a run would exceed the memory budget (Session::memoryChoiceNeeded): capture only a
// range of layers (the default, pre-set to the most that fit around the selected layer) or run
// anyway with a larger budget. It runs nothing itself: layers() is what the user chose.
class MemoryBudgetDialog : public QDialog {
  Q_OBJECT
 public:
  explicit MemoryBudgetDialog(const MemoryQuestion& question, QWidget* parent = nullptr);
  // The layers to capture; empty = all of them, raising the budget for this run.
  std::vector<int> layers() const;

 private:
  void updateEstimate();
  MemoryQuestion question_;
  QRadioButton* fewer_;
  QRadioButton* anyway_;
  QSpinBox* first_;
  QSpinBox* last_;
  QLabel* estimate_;
};

}  // namespace attnscope::ui
