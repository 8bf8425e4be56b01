#pragma once

#include <QWidget>

class QLabel;
class QTreeWidget;

namespace attnscope::ui {

class Session;

// The models the app can find, in groups: built-in, recently used folders, the Hugging Face cache
// and ATTNSCOPE_MODEL_PATH, each with its architecture, size and layers x heads. Double-click (or
// Enter) opens one; "Open folder…" opens any other.
class ModelPanel : public QWidget {
  Q_OBJECT
 public:
  explicit ModelPanel(Session* session, QWidget* parent = nullptr);
  int modelCount() const;

 public slots:
  void refresh();
  void chooseFolder();

 signals:
  void openRequested(const QString& dir);
  void downloadRequested();

 private:
  Session* session_;
  QTreeWidget* list_;
  QLabel* empty_;
};

}  // namespace attnscope::ui
