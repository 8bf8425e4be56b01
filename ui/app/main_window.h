#pragma once

#include <QMainWindow>

#include "ui/app/launch_options.h"

class QLabel;
class QProgressBar;
class QStackedWidget;
class QTabWidget;
class QToolButton;

namespace attnscope::ui {

class ControlsBar;
class InputPanel;
class MatrixView;
class MessageBar;
class ModelPanel;
class Session;
class WelcomeView;

// Hosts the panels, the views and the menus, and connects them to the Session. Holds no logic.
class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(Session* session, QWidget* parent = nullptr);

  // Applies `attnscope --model … --text … --run --view … --layer … --head …`.
  void applyLaunchOptions(const LaunchOptions& options);

  Session* session() const { return session_; }
  InputPanel* inputPanel() const { return input_; }
  MessageBar* messageBar() const { return message_bar_; }
  QTabWidget* views() const { return tabs_; }
  MatrixView* matrixView() const { return matrix_; }
  QWidget* view(ViewKind kind) const;
  void showView(ViewKind kind);

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void buildMenus();
  void runCurrentInput();
  void openSampleText(const QString& path);
  void openSampleImage(const QString& path);
  void openAny();
  void downloadModel();
  void exportView();
  void batchExport();
  void exportData();
  void exportHeadStats();
  QString exportFolder() const;

  Session* session_;
  MessageBar* message_bar_;
  QStackedWidget* center_;
  WelcomeView* welcome_;
  QList<QAction*> view_actions_;  // View menu: one per tab, in tab order
  QTabWidget* tabs_;
  MatrixView* matrix_;
  ModelPanel* models_;
  InputPanel* input_;
  ControlsBar* controls_;
  QLabel* status_;
  QProgressBar* progress_;
  QToolButton* cancel_;
  std::optional<LaunchOptions> pending_launch_;
  QString last_export_dir_;
};

}  // namespace attnscope::ui
