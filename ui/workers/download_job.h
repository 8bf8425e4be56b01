#pragma once

#include <atomic>
#include <memory>
#include <optional>

#include <QObject>
#include <QString>
#include <QStringList>

#include "core/hub/hub_client.h"

class QThread;

namespace attnscope::ui {

// One Hub download at a time, on its own thread: list a repo's files (resolve), then fetch them.
// Answers come back on the GUI thread as signals; cancel() stops the transfer within a moment and
// keeps partial blobs, so the next download resumes them.
class DownloadJob : public QObject {
  Q_OBJECT
 public:
  explicit DownloadJob(QObject* parent = nullptr);
  ~DownloadJob() override;

  bool busy() const { return thread_ != nullptr; }
  const std::optional<attnscope::DownloadPlan>& plan() const { return plan_; }
  const attnscope::HubOptions& options() const { return options_; }

  // Reads the environment (HF_ENDPOINT, HF_TOKEN, HF_HUB_CACHE, ...) afresh for each request.
  void resolve(const QString& repo, const QStringList& include = {});
  void download();  // the plan resolve() delivered
  void cancel();

 signals:
  void planReady();
  void progress(const attnscope::DownloadProgress& p);
  void finished(const QString& snapshot, const QString& repo);
  void cancelled();
  void failed(const QString& message, int failure);  // failure: HubFailure, or -1 for other errors

 private:
  template <typename Work>
  void start(Work work);
  QThread* thread_ = nullptr;
  std::shared_ptr<std::atomic<bool>> cancel_;
  std::optional<attnscope::DownloadPlan> plan_;
  attnscope::HubOptions options_;
};

}  // namespace attnscope::ui
