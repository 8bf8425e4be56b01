#pragma once

#include <memory>

#include <QWidget>

#include "ui/document/view_state.h"

class QLabel;
class QPushButton;
class QTreeWidget;

namespace attnscope::ui {

class AnalysisDocument;
class CompareRenderer;
class RendererView;

// Compare: the reference result (A) against the current one (B) — two inputs on one model, or one
// input on two models with the same tokenizer. The heads are listed by how much their rows diverge;
// a click on a head (in the list or the grid) shows it in both, side by side, and their difference.
class CompareView : public QWidget {
  Q_OBJECT
 public:
  explicit CompareView(AnalysisDocument* document, QWidget* parent = nullptr);

 signals:
  void keepRequested();
  void clearRequested();

 protected:
  void showEvent(QShowEvent* event) override;
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void rebuild();
  void fillList();
  void openHead(int layer, int head);

  AnalysisDocument* document_;
  QLabel* summary_;
  QPushButton* keep_;
  QPushButton* clear_;
  QTreeWidget* heads_;
  RendererView* figure_;
  bool stale_ = true;
  bool list_stale_ = true;
};

}  // namespace attnscope::ui
