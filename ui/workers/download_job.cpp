#include "ui/workers/download_job.h"

#include <QThread>

namespace attnscope::ui {

DownloadJob::DownloadJob(QObject* parent) : QObject(parent) {}

DownloadJob::~DownloadJob() {
  if (thread_) {
    cancel_->store(true);
    thread_->wait();
  }
}

template <typename Work>
void DownloadJob::start(Work work) {
  cancel_ = std::make_shared<std::atomic<bool>>(false);
  thread_ = QThread::create([this, work, cancel = cancel_] {
    try {
      work(cancel);
    } catch (const HubError& e) {
      const QString m = QString::fromStdString(e.what());
      const int f = static_cast<int>(e.failure());
      QMetaObject::invokeMethod(this, [this, m, f] { emit failed(m, f); }, Qt::QueuedConnection);
    } catch (const std::exception& e) {
      const QString m = QString::fromStdString(e.what());
      QMetaObject::invokeMethod(this, [this, m] { emit failed(m, -1); }, Qt::QueuedConnection);
    }
  });
  connect(thread_, &QThread::finished, this, [this, t = thread_] {
    if (thread_ == t) thread_ = nullptr;
    t->deleteLater();
  });
  thread_->start();
}

void DownloadJob::resolve(const QString& repo, const QStringList& include) {
  if (thread_) return;
  plan_.reset();
  options_ = HubOptions();
  options_.env = HubEnvironment::from_env();
  for (const QString& g : include) options_.include.push_back(g.toStdString());
  const std::string text = repo.trimmed().toStdString();
  start([this, text, options = options_](const std::shared_ptr<std::atomic<bool>>&) {
    DownloadPlan plan = resolve_download_plan(parse_repo_ref(text), options);
    QMetaObject::invokeMethod(this, [this, plan] {
      plan_ = plan;
      emit planReady();
    }, Qt::QueuedConnection);
  });
}

void DownloadJob::download() {
  if (thread_ || !plan_) return;
  start([this, plan = *plan_, options = options_](const std::shared_ptr<std::atomic<bool>>& cancel) {
    const DownloadResult r = download_plan(plan, options, [this, cancel](const DownloadProgress& p) {
      if (cancel->load()) return false;
      QMetaObject::invokeMethod(this, [this, p] { emit progress(p); }, Qt::QueuedConnection);
      return true;
    });
    const QString snapshot = QString::fromStdString(r.snapshot.string());
    const QString repo = QString::fromStdString(plan.ref.text());
    QMetaObject::invokeMethod(this, [this, r, snapshot, repo] {
      if (r.cancelled) emit cancelled();
      else emit finished(snapshot, repo);
    }, Qt::QueuedConnection);
  });
}

void DownloadJob::cancel() {
  if (cancel_) cancel_->store(true);
}

}  // namespace attnscope::ui
