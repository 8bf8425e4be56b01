#pragma once

#include <atomic>

#include <QObject>
#include <QThread>

#include "ui/workers/inference_worker.h"

namespace attnscope::ui {

// Owns the worker thread. The GUI thread calls openModel()/run()/cancel(); answers come back as
// queued signals. Only the newest job's answers are forwarded, so a late result of a superseded
// or cancelled job can never overwrite newer state.
class RunController : public QObject {
  Q_OBJECT
 public:
  explicit RunController(QObject* parent = nullptr);
  ~RunController() override;

  void openModel(const QString& dir);
  void run(const AnalyzerPtr& analyzer, const attnscope::AnalysisRequest& request);
  void computeInduction(const AnalyzerPtr& analyzer);
  void captureInternals(const AnalyzerPtr& analyzer, const attnscope::AnalysisRequest& request);
  void measureCost(const AnalyzerPtr& analyzer, const attnscope::CostSweepOptions& options);
  void computeFlow(const AnalysisPtr& analysis, const attnscope::FlowOptions& options, const QString& key);
  void loadCorpus(const QStringList& paths);
  void runCorpusBatch(const AnalyzerPtr& analyzer, const attnscope::CorpusBatchOptions& options);
  void cancel();
  bool busy() const { return busy_; }

 signals:
  void modelOpened(const attnscope::ui::AnalyzerPtr& analyzer, const QString& dir);
  void finished(const attnscope::ui::AnalysisPtr& analysis);
  void flowFinished(const attnscope::ui::MatrixPtr& flow, const QString& key);
  void inductionFinished(const std::vector<int>& layers, const std::vector<float>& scores);
  void internalsCaptured(const attnscope::ui::InternalsPtr& internals);
  void costMeasured(const attnscope::ui::CostSweepPtr& sweep);
  void corpusLoaded(const attnscope::ui::CorpusPtr& corpus, int failed_lines);
  void cancelled();
  void failed(const QString& message, int error_kind);
  void overBudget(const QString& message, quint64 needed, quint64 budget, int seq_len);
  void progress(int done, int total, const QString& stage);
  void busyChanged(bool busy);

  // internal: queued into the worker thread
  void requestOpen(const QString& dir, quint64 ticket);
  void requestRun(const attnscope::ui::AnalyzerPtr& analyzer, const attnscope::AnalysisRequest& request, quint64 ticket);
  void requestInduction(const attnscope::ui::AnalyzerPtr& analyzer, quint64 ticket);
  void requestInternals(const attnscope::ui::AnalyzerPtr& analyzer, const attnscope::AnalysisRequest& request, quint64 ticket);
  void requestCost(const attnscope::ui::AnalyzerPtr& analyzer, const attnscope::CostSweepOptions& options, quint64 ticket);
  void requestCorpus(const QStringList& paths, quint64 ticket);
  void requestCorpusBatch(const attnscope::ui::AnalyzerPtr& analyzer, const attnscope::CorpusBatchOptions& options, quint64 ticket);
  void requestFlow(const attnscope::ui::AnalysisPtr& analysis, const attnscope::FlowOptions& options, const QString& key,
                   quint64 ticket);

 private:
  void setBusy(bool busy);
  bool current(quint64 ticket) const { return ticket == ticket_; }
  // Current and not cancelled; a current job that was cancelled is reported as cancelled.
  bool deliverable(quint64 ticket);

  QThread thread_;
  InferenceWorker* worker_;
  std::atomic<quint64> cancel_ticket_{0};
  quint64 ticket_ = 0;
  QString opening_;
  bool busy_ = false;
};

}  // namespace attnscope::ui
