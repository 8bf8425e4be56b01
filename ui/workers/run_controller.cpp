#include "ui/workers/run_controller.h"

#include <QMetaType>

namespace attnscope::ui {

RunController::RunController(QObject* parent) : QObject(parent), worker_(new InferenceWorker(&cancel_ticket_)) {
  qRegisterMetaType<AnalyzerPtr>("attnscope::ui::AnalyzerPtr");
  qRegisterMetaType<AnalysisPtr>("attnscope::ui::AnalysisPtr");
  qRegisterMetaType<attnscope::AnalysisRequest>("attnscope::AnalysisRequest");
  qRegisterMetaType<MatrixPtr>("attnscope::ui::MatrixPtr");
  qRegisterMetaType<attnscope::FlowOptions>("attnscope::FlowOptions");
  qRegisterMetaType<std::vector<int>>("std::vector<int>");
  qRegisterMetaType<InternalsPtr>("attnscope::ui::InternalsPtr");
  qRegisterMetaType<CostSweepPtr>("attnscope::ui::CostSweepPtr");
  qRegisterMetaType<attnscope::CostSweepOptions>("attnscope::CostSweepOptions");
  qRegisterMetaType<std::vector<float>>("std::vector<float>");
  worker_->moveToThread(&thread_);
  connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
  connect(this, &RunController::requestOpen, worker_, &InferenceWorker::openModel, Qt::QueuedConnection);
  connect(this, &RunController::requestRun, worker_, &InferenceWorker::run, Qt::QueuedConnection);
  connect(this, &RunController::requestInduction, worker_, &InferenceWorker::computeInduction, Qt::QueuedConnection);
  connect(worker_, &InferenceWorker::inductionFinished, this, [this](const std::vector<int>& l, const std::vector<float>& s, quint64 t) {
    if (!deliverable(t)) return;
    setBusy(false);
    emit inductionFinished(l, s);
  });
  connect(this, &RunController::requestInternals, worker_, &InferenceWorker::captureInternals, Qt::QueuedConnection);
  connect(this, &RunController::requestCost, worker_, &InferenceWorker::measureCost, Qt::QueuedConnection);
  connect(worker_, &InferenceWorker::internalsCaptured, this, [this](const InternalsPtr& i, quint64 t) {
    if (!deliverable(t)) return;
    setBusy(false);
    emit internalsCaptured(i);
  });
  connect(worker_, &InferenceWorker::costMeasured, this, [this](const CostSweepPtr& c, quint64 t) {
    if (!deliverable(t)) return;
    setBusy(false);
    emit costMeasured(c);
  });
  qRegisterMetaType<CorpusPtr>("attnscope::ui::CorpusPtr");
  qRegisterMetaType<attnscope::CorpusBatchOptions>("attnscope::CorpusBatchOptions");
  connect(this, &RunController::requestCorpus, worker_, &InferenceWorker::loadCorpus, Qt::QueuedConnection);
  connect(this, &RunController::requestCorpusBatch, worker_, &InferenceWorker::runCorpusBatch, Qt::QueuedConnection);
  connect(worker_, &InferenceWorker::corpusLoaded, this, [this](const CorpusPtr& c, int failed_lines, quint64 t) {
    if (!deliverable(t)) return;
    setBusy(false);
    emit corpusLoaded(c, failed_lines);
  });
  connect(this, &RunController::requestFlow, worker_, &InferenceWorker::computeFlow, Qt::QueuedConnection);
  connect(worker_, &InferenceWorker::flowFinished, this, [this](const MatrixPtr& f, const QString& key, quint64 t) {
    if (!deliverable(t)) return;
    setBusy(false);
    emit flowFinished(f, key);
  });

  connect(worker_, &InferenceWorker::modelOpened, this, [this](const AnalyzerPtr& a, quint64 t) {
    if (!deliverable(t)) return;
    setBusy(false);
    emit modelOpened(a, opening_);
  });
  connect(worker_, &InferenceWorker::finished, this, [this](const AnalysisPtr& a, quint64 t) {
    if (!deliverable(t)) return;
    setBusy(false);
    emit finished(a);
  });
  connect(worker_, &InferenceWorker::cancelled, this, [this](quint64 t) {
    if (!current(t)) return;
    setBusy(false);
    emit cancelled();
  });
  connect(worker_, &InferenceWorker::failed, this, [this](const QString& m, int k, quint64 t) {
    if (!deliverable(t)) return;
    setBusy(false);
    emit failed(m, k);
  });
  connect(worker_, &InferenceWorker::overBudget, this, [this](const QString& m, quint64 need, quint64 budget, int n, quint64 t) {
    if (!deliverable(t)) return;
    setBusy(false);
    emit overBudget(m, need, budget, n);
  });
  connect(worker_, &InferenceWorker::progress, this, [this](int d, int n, const QString& s, quint64 t) {
    if (current(t)) emit progress(d, n, s);
  });
  thread_.setObjectName("attnscope-inference");
  thread_.start();
}

RunController::~RunController() {
  cancel_ticket_ = ticket_;
  thread_.quit();
  thread_.wait();
}

void RunController::openModel(const QString& dir) {
  cancel_ticket_ = ticket_;  // a running job is superseded
  opening_ = dir;
  setBusy(true);
  emit requestOpen(dir, ++ticket_);
}

void RunController::run(const AnalyzerPtr& analyzer, const AnalysisRequest& request) {
  cancel_ticket_ = ticket_;
  setBusy(true);
  emit requestRun(analyzer, request, ++ticket_);
}

void RunController::computeInduction(const AnalyzerPtr& analyzer) {
  cancel_ticket_ = ticket_;
  setBusy(true);
  emit requestInduction(analyzer, ++ticket_);
}

void RunController::captureInternals(const AnalyzerPtr& analyzer, const AnalysisRequest& request) {
  cancel_ticket_ = ticket_;
  setBusy(true);
  emit requestInternals(analyzer, request, ++ticket_);
}

void RunController::measureCost(const AnalyzerPtr& analyzer, const CostSweepOptions& options) {
  cancel_ticket_ = ticket_;
  setBusy(true);
  emit requestCost(analyzer, options, ++ticket_);
}

void RunController::loadCorpus(const QStringList& paths) {
  cancel_ticket_ = ticket_;
  setBusy(true);
  emit requestCorpus(paths, ++ticket_);
}

void RunController::runCorpusBatch(const AnalyzerPtr& analyzer, const CorpusBatchOptions& options) {
  cancel_ticket_ = ticket_;
  setBusy(true);
  emit requestCorpusBatch(analyzer, options, ++ticket_);
}

void RunController::computeFlow(const AnalysisPtr& analysis, const FlowOptions& options, const QString& key) {
  cancel_ticket_ = ticket_;
  setBusy(true);
  emit requestFlow(analysis, options, key, ++ticket_);
}

void RunController::cancel() {
  if (!busy_) return;
  cancel_ticket_ = ticket_;
}

bool RunController::deliverable(quint64 ticket) {
  if (!current(ticket)) return false;
  // The job finished before the worker saw the cancel, but the user cancelled it: it must not
  // replace what is on screen.
  if (cancel_ticket_.load() >= ticket) {
    setBusy(false);
    emit cancelled();
    return false;
  }
  return true;
}

void RunController::setBusy(bool busy) {
  if (busy_ == busy) return;
  busy_ = busy;
  emit busyChanged(busy);
}

}  // namespace attnscope::ui
