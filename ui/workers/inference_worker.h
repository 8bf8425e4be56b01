#pragma once

#include <atomic>
#include <memory>

#include <QObject>
#include <QString>

#include "core/analysis/flow.h"
#include "ui/document/results.h"

namespace attnscope::ui {


// Opens models and runs inputs. Lives on a worker thread (see RunController); every slot is
// invoked through a queued connection and answers with a signal carrying the job's ticket.
// Results are immutable once emitted, so the GUI thread can read them without locks.
class InferenceWorker : public QObject {
  Q_OBJECT
 public:
  explicit InferenceWorker(std::atomic<quint64>* cancel_ticket) : cancel_ticket_(cancel_ticket) {}

 public slots:
  void openModel(const QString& dir, quint64 ticket);
  void run(const attnscope::ui::AnalyzerPtr& analyzer, const attnscope::AnalysisRequest& request, quint64 ticket);
  void computeInduction(const attnscope::ui::AnalyzerPtr& analyzer, quint64 ticket);
  // Runs `request` (which asks for internals) and keeps only the captured internals.
  void captureInternals(const attnscope::ui::AnalyzerPtr& analyzer, const attnscope::AnalysisRequest& request, quint64 ticket);
  void measureCost(const attnscope::ui::AnalyzerPtr& analyzer, const attnscope::CostSweepOptions& options, quint64 ticket);
  void computeFlow(const attnscope::ui::AnalysisPtr& analysis, const attnscope::FlowOptions& options, const QString& key,
                   quint64 ticket);
  // Result folders (read back) or a merged summary file (.csv / .json).
  void loadCorpus(const QStringList& paths, quint64 ticket);
  // Runs `options` (a JSONL file into a result folder) with `analyzer`, then loads that folder.
  void runCorpusBatch(const attnscope::ui::AnalyzerPtr& analyzer, const attnscope::CorpusBatchOptions& options, quint64 ticket);

 signals:
  void modelOpened(const attnscope::ui::AnalyzerPtr& analyzer, quint64 ticket);
  void finished(const attnscope::ui::AnalysisPtr& analysis, quint64 ticket);
  void flowFinished(const attnscope::ui::MatrixPtr& flow, const QString& key, quint64 ticket);
  void inductionFinished(const std::vector<int>& layers, const std::vector<float>& scores, quint64 ticket);
  void internalsCaptured(const attnscope::ui::InternalsPtr& internals, quint64 ticket);
  void costMeasured(const attnscope::ui::CostSweepPtr& sweep, quint64 ticket);
  // `failed_lines`: lines of the batch recorded in its errors file (0 when only loading).
  void corpusLoaded(const attnscope::ui::CorpusPtr& corpus, int failed_lines, quint64 ticket);
  void cancelled(quint64 ticket);
  void failed(const QString& message, int error_kind, quint64 ticket);
  // A run refused before allocating because its outputs exceed the memory budget.
  void overBudget(const QString& message, quint64 needed, quint64 budget, int seq_len, quint64 ticket);
  void progress(int done, int total, const QString& stage, quint64 ticket);

 private:
  std::atomic<quint64>* cancel_ticket_;  // jobs with a ticket <= this value stop at the next step
};

}  // namespace attnscope::ui
