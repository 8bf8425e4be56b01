// File > Download model… against the loopback Hub mirror: the dialog lists the plan with sizes,
// downloads on its worker with progress, reports the repo id (which then opens by id in the
// session), shows a gated repo's 401 with what to do, and a cancel keeps the partial blob.
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTreeWidget>
#include <QtTest>

#include "core/common/text.h"
#include "tests/support/hub_mirror.h"
#include "tests/support/shared_data.h"
#include "tests/ui/ui_test_support.h"
#include "ui/dialogs/download_dialog.h"

using namespace attnscope;
using namespace attnscope::ui;
namespace fs = std::filesystem;

class DownloadTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void downloadsListsAndOpensByRepoId();
  void gatedRepoShowsWhatToDo();
  void cancelKeepsThePartialBlob();

 private:
  std::unique_ptr<test::HubMirror> mirror_;
  fs::path cache_;
};

void DownloadTest::initTestCase() {
  cache_ = test::scratch_dir("ui_download");
  const std::string stories = test::builtin_model("stories260K").string();
  mirror_ = std::make_unique<test::HubMirror>(
      std::vector<std::string>{"test-org/stories260K=" + stories, "gated-org/stories260K=" + stories + ":gated",
                               "slow-org/stories260K=" + stories + ":slow"},
      (cache_.parent_path() / "ui_download.log").string());
  QVERIFY(mirror_->ok());
  qputenv("HF_ENDPOINT", QByteArray::fromStdString(mirror_->endpoint()));
  qputenv("HF_HUB_CACHE", QByteArray::fromStdString((cache_ / "hub").string()));
  qunsetenv("HF_TOKEN");
  qunsetenv("HF_HUB_OFFLINE");
  qputenv("HF_HOME", QByteArray::fromStdString((cache_ / "home").string()));
}

void DownloadTest::downloadsListsAndOpensByRepoId() {
  DownloadDialog dialog;
  QSignalSpy done(&dialog, &DownloadDialog::modelDownloaded);
  dialog.setRepo("test-org/stories260K");
  auto* files = dialog.findChild<QTreeWidget*>("planFiles");
  QTRY_COMPARE_WITH_TIMEOUT(files->topLevelItemCount(), 6, 20000);
  QCOMPARE(files->topLevelItem(2)->text(0), QString("model.safetensors"));
  QCOMPARE(files->topLevelItem(2)->text(1),
           QString::fromStdString(human_bytes(fs::file_size(test::builtin_model("stories260K") / "model.safetensors"))));
  auto* download = dialog.findChild<QPushButton*>("downloadButton");
  QVERIFY(download->isEnabled());
  download->click();
  QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 30000);
  QCOMPARE(done.at(0).at(0).toString(), QString("test-org/stories260K"));
  const fs::path snapshot = done.at(0).at(1).toString().toStdString();
  QVERIFY(fs::is_symlink(fs::symlink_status(snapshot / "model.safetensors")));
  QCOMPARE(dialog.findChild<QProgressBar*>("totalProgress")->value(), dialog.findChild<QProgressBar*>("totalProgress")->maximum());

  // What MainWindow does with the answer: the session opens the repo id from the cache.
  Session session;
  QVERIFY(test::openModel(session, "test-org/stories260K"));
  QCOMPARE(session.document()->modelName(), QString("test-org/stories260K"));
}

void DownloadTest::gatedRepoShowsWhatToDo() {
  DownloadDialog dialog;
  dialog.setRepo("gated-org/stories260K");
  auto* error = dialog.findChild<QLabel*>("downloadError");
  QTRY_VERIFY_WITH_TIMEOUT(!error->isHidden(), 20000);
  QVERIFY2(error->text().contains("401") && error->text().contains("HF_TOKEN"), qPrintable(error->text()));
  QVERIFY(!dialog.findChild<QPushButton*>("downloadButton")->isEnabled());
  QVERIFY(!fs::exists(cache_ / "hub" / "models--gated-org--stories260K" / "snapshots"));
}

void DownloadTest::cancelKeepsThePartialBlob() {
  DownloadDialog dialog;
  QSignalSpy done(&dialog, &DownloadDialog::modelDownloaded);
  dialog.setRepo("slow-org/stories260K");
  auto* download = dialog.findChild<QPushButton*>("downloadButton");
  QTRY_VERIFY_WITH_TIMEOUT(download->isEnabled(), 20000);
  download->click();
  auto* file_bar = dialog.findChild<QProgressBar*>("fileProgress");
  QTRY_VERIFY_WITH_TIMEOUT(file_bar->format().startsWith("model.safetensors") && file_bar->value() > 30, 30000);
  dialog.reject();  // Esc while downloading cancels and keeps the dialog
  QTRY_VERIFY_WITH_TIMEOUT(download->isEnabled(), 10000);
  QCOMPARE(done.count(), 0);
  const fs::path repo = cache_ / "hub" / "models--slow-org--stories260K";
  QVERIFY(!fs::exists(repo / "snapshots"));
  bool partial = false;
  for (const auto& e : fs::directory_iterator(repo / "blobs")) partial |= e.path().extension() == ".incomplete";
  QVERIFY(partial);
  QVERIFY(dialog.findChild<QLabel*>("speedLabel")->text().contains("Cancelled"));
}

QTEST_MAIN(DownloadTest)
#include "ui_download_test.moc"
