#include "ui/workers/job_runner.h"

#include <new>

#include <QMetaObject>

#include "core/common/error.h"

namespace attnscope::ui {

JobRunner::JobRunner(QObject* parent) : QObject(parent), worker_(new QObject) {
  worker_->moveToThread(&thread_);
  connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
  thread_.setObjectName("attnscope-jobs");
  thread_.start();
}

JobRunner::~JobRunner() {
  cancel();
  thread_.quit();
  thread_.wait();
}

bool JobRunner::pending(const QString& key) const {
  if (running_ && running_->key == key) return true;
  for (const auto& j : queue_)
    if (j->key == key) return true;
  return false;
}

void JobRunner::submit(const QString& key, Work work) {
  auto job = std::make_shared<Job>();
  job->key = key;
  job->work = std::move(work);
  bool replaced = false;
  for (auto& queued : queue_)
    if (queued->key == key) {
      queued = job;  // keeps its place in the queue
      replaced = true;
    }
  if (running_ && running_->key == key) {
    running_->superseded = true;
    running_->stop->store(true);
  }
  if (!replaced) queue_.push_back(job);
  startNext();
  updateBusy();
}

void JobRunner::cancel(const QString& key) {
  std::deque<std::shared_ptr<Job>> keep;
  bool dropped = false;
  for (auto& j : queue_) {
    if (key.isEmpty() || j->key == key) dropped = true;
    else keep.push_back(j);
  }
  queue_.swap(keep);
  if (running_ && (key.isEmpty() || running_->key == key)) running_->stop->store(true);
  if (dropped && !running_) updateBusy();
  if (dropped) emit cancelled(key, std::any());
}

void JobRunner::startNext() {
  if (running_ || queue_.empty()) return;
  running_ = queue_.front();
  queue_.pop_front();
  const std::shared_ptr<Job> job = running_;
  QMetaObject::invokeMethod(worker_, [this, job] {
    const ProgressFn progress = [this, job](const Progress& p) {
      if (job->stop->load()) return false;
      QMetaObject::invokeMethod(
          this, [this, job, p] {
            if (running_ == job && !job->stop->load())
              emit this->progress(job->key, p.done, p.total, QString::fromStdString(p.stage));
          },
          Qt::QueuedConnection);
      return true;
    };
    std::any result;
    QString error;
    int kind = -1;
    try {
      result = job->work(progress);
    } catch (const Error& e) {
      error = QString::fromStdString(e.what());
      kind = static_cast<int>(e.kind());
    } catch (const std::bad_alloc&) {
      error = tr("out of memory");
      kind = static_cast<int>(ErrorKind::Resource);
    } catch (const std::exception& e) {
      error = QString::fromStdString(e.what());
    }
    QMetaObject::invokeMethod(
        this, [this, job, result = std::move(result), error, kind] {
          running_.reset();
          if (job->superseded) {
            // a newer job of the key is queued: say nothing
          } else if (job->stop->load()) {
            emit cancelled(job->key, error.isEmpty() ? result : std::any());
          }
          else if (!error.isEmpty()) {
            emit failed(job->key, error, kind);
          }
          else {
            emit finished(job->key, result);
          }
          startNext();
          updateBusy();
        },
        Qt::QueuedConnection);
  });
}

void JobRunner::updateBusy() {
  const bool b = busy();
  if (b == busy_) return;
  busy_ = b;
  emit busyChanged(b);
}

}  // namespace attnscope::ui
