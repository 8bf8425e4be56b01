#pragma once

#include <QWidget>

#include "ui/app/launch_options.h"

class QLabel;

namespace attnscope::ui {

class Session;

// Shown until the first result: one-click tries of the built-in models, how to get a model, the
// samples to start from, the shortcuts.
class WelcomeView : public QWidget {
  Q_OBJECT
 public:
  explicit WelcomeView(Session* session, QWidget* parent = nullptr);

 signals:
  void sampleTextChosen(const QString& path);
  void sampleImageChosen(const QString& path);
  void openModelRequested();
  void downloadRequested();
  // "Try it": open a built-in model and run a sample in the view that suits it.
  void launchRequested(const attnscope::ui::LaunchOptions& options);

 private:
  void refresh();
  Session* session_;
  QLabel* model_line_;
};

}  // namespace attnscope::ui
