#pragma once

#include <any>
#include <atomic>
#include <deque>
#include <functional>
#include <memory>

#include <QObject>
#include <QString>
#include <QThread>

#include "core/common/progress.h"

namespace attnscope::ui {

// One worker thread running keyed jobs in order. A job is a function of a progress callback that
// returns its result by value (as std::any). Submitting under a key that is already queued
// replaces the queued job; if that key is running, the running job is cancelled and the new one
// queued. Jobs of other keys wait their turn, so no request is dropped. Answers come back on the
// thread that owns the runner; a superseded job never reports a result.
class JobRunner : public QObject {
  Q_OBJECT
 public:
  using Work = std::function<std::any(const attnscope::ProgressFn&)>;

  explicit JobRunner(QObject* parent = nullptr);
  ~JobRunner() override;

  void submit(const QString& key, Work work);
  // Drops the queued job of `key` and stops the running one at its next progress call; empty
  // key: every job.
  void cancel(const QString& key = QString());
  bool busy() const { return running_ != nullptr || !queue_.empty(); }
  bool pending(const QString& key) const;

 signals:
  void finished(const QString& key, const std::any& result);
  void failed(const QString& key, const QString& message, int error_kind);
  // `partial`: what a cancelled (not superseded) job returned, e.g. the steps made so far; empty
  // when it threw or was superseded or never started.
  void cancelled(const QString& key, const std::any& partial);
  void progress(const QString& key, int done, int total, const QString& stage);
  void busyChanged(bool busy);

 private:
  struct Job {
    QString key;
    Work work;
    std::shared_ptr<std::atomic<bool>> stop = std::make_shared<std::atomic<bool>>(false);
    bool superseded = false;  // stopped by a newer job of the same key (UI thread only)
  };
  void startNext();
  void updateBusy();

  QThread thread_;
  QObject* worker_;  // lives in thread_: jobs are queued to it
  std::deque<std::shared_ptr<Job>> queue_;
  std::shared_ptr<Job> running_;
  bool busy_ = false;
};

}  // namespace attnscope::ui
