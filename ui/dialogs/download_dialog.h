#pragma once

#include <QDialog>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTreeWidget;

namespace attnscope {
struct DownloadProgress;
}

namespace attnscope::ui {

class DownloadJob;

// File > Download model…: a repo id (typed, or picked from checkpoints known to work), its file
// list with sizes, then per-file and total progress with speed and ETA. Cancel keeps partial
// files for a later resume. On success emits modelDownloaded with the repo id, which opens it.
class DownloadDialog : public QDialog {
  Q_OBJECT
 public:
  explicit DownloadDialog(QWidget* parent = nullptr);
  ~DownloadDialog() override;
  void setRepo(const QString& repo);  // fills the field and lists the files

  // Esc / Close: while downloading, cancels (the dialog stays to show it stopped); else closes.
  void reject() override;

 signals:
  void modelDownloaded(const QString& repo, const QString& snapshot);

 private:
  void listFiles();
  void showPlan();
  void showProgress(const attnscope::DownloadProgress& p);
  void showError(const QString& message, int failure);
  void setBusy(bool busy, bool downloading);

  DownloadJob* job_;
  QLineEdit* repo_;
  QPushButton* list_button_;
  QTreeWidget* known_;
  QTreeWidget* files_;
  QLabel* summary_;
  QLabel* file_label_;
  QProgressBar* file_bar_;
  QProgressBar* total_bar_;
  QLabel* speed_;
  QLabel* error_;
  QPushButton* download_;
  QPushButton* cancel_;
  QPushButton* close_;
  bool downloading_ = false;
};

}  // namespace attnscope::ui
