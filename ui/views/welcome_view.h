#pragma once

#include <QWidget>

class QLabel;

namespace attnscope::ui {

class Session;

// Shown until the first result: how to get a model, the samples to start from, the shortcuts.
class WelcomeView : public QWidget {
  Q_OBJECT
 public:
  explicit WelcomeView(Session* session, QWidget* parent = nullptr);

 signals:
  void sampleTextChosen(const QString& path);
  void sampleImageChosen(const QString& path);
  void openModelRequested();

 private:
  void refresh();
  Session* session_;
  QLabel* model_line_;
};

}  // namespace attnscope::ui
