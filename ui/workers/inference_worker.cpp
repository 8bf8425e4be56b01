#include "ui/workers/inference_worker.h"

#include <QFileInfo>

#include "core/analysis/induction.h"
#include "core/common/error.h"
#include "core/pipeline/memory_budget.h"

namespace attnscope::ui {

void InferenceWorker::openModel(const QString& dir, quint64 ticket) {
  try {
    AnalyzerPtr a(Analyzer::open(dir.toStdString()).release());
    emit modelOpened(a, ticket);
  } catch (const Error& e) {
    emit failed(QString::fromStdString(e.what()), static_cast<int>(e.kind()), ticket);
  } catch (const std::bad_alloc&) {
    emit failed(tr("Out of memory while opening %1").arg(dir), static_cast<int>(ErrorKind::Resource), ticket);
  } catch (const std::exception& e) {
    emit failed(tr("Unexpected error: %1").arg(QString::fromStdString(e.what())), -1, ticket);
  }
}

void InferenceWorker::run(const AnalyzerPtr& analyzer, const AnalysisRequest& request, quint64 ticket) {
  try {
    auto keep_going = [&](const Progress& p) {
      emit progress(p.done, p.total, QString::fromStdString(p.stage), ticket);
      return cancel_ticket_->load() < ticket;
    };
    if (!keep_going(Progress{0, analyzer->info().num_layers, "starting"})) {
      emit cancelled(ticket);
      return;
    }
    auto result = std::make_shared<Analysis>(analyzer->run(request, keep_going));
    if (result->cancelled) emit cancelled(ticket);
    else emit finished(result, ticket);
  } catch (const MemoryBudgetError& e) {
    emit overBudget(QString::fromStdString(e.what()), e.estimate.total(), e.budget, static_cast<int>(e.seq_len), ticket);
  } catch (const Error& e) {
    emit failed(QString::fromStdString(e.what()), static_cast<int>(e.kind()), ticket);
  } catch (const std::bad_alloc&) {
    emit failed(tr("Out of memory: the input is too large for this machine. Capture fewer layers or shorten the input."),
                static_cast<int>(ErrorKind::Resource), ticket);
  } catch (const std::exception& e) {
    emit failed(tr("Unexpected error: %1").arg(QString::fromStdString(e.what())), -1, ticket);
  }
}

void InferenceWorker::computeInduction(const AnalyzerPtr& analyzer, quint64 ticket) {
  try {
    auto keep_going = [&](const Progress& p) {
      emit progress(p.done, p.total, QString::fromStdString(p.stage), ticket);
      return cancel_ticket_->load() < ticket;
    };
    if (!analyzer->tokenizer()) throw Error(ErrorKind::Usage, "induction scores need a text model");
    InductionResult r = run_induction(analyzer->model(), *analyzer->tokenizer(), InductionOptions{}, keep_going);
    if (r.cancelled) emit cancelled(ticket);
    else emit inductionFinished(r.layers, r.scores, ticket);
  } catch (const Error& e) {
    emit failed(QString::fromStdString(e.what()), static_cast<int>(e.kind()), ticket);
  } catch (const std::exception& e) {
    emit failed(tr("Unexpected error: %1").arg(QString::fromStdString(e.what())), -1, ticket);
  }
}

void InferenceWorker::captureInternals(const AnalyzerPtr& analyzer, const AnalysisRequest& request, quint64 ticket) {
  try {
    auto keep_going = [&](const Progress& p) {
      emit progress(p.done, p.total, QString::fromStdString(p.stage), ticket);
      return cancel_ticket_->load() < ticket;
    };
    Analysis a = analyzer->run(request, keep_going);
    if (a.cancelled) emit cancelled(ticket);
    else emit internalsCaptured(std::make_shared<const AttentionInternals>(std::move(a.forward.internals)), ticket);
  } catch (const Error& e) {
    emit failed(QString::fromStdString(e.what()), static_cast<int>(e.kind()), ticket);
  } catch (const std::bad_alloc&) {
    emit failed(tr("Out of memory while capturing Q, K and V"), static_cast<int>(ErrorKind::Resource), ticket);
  } catch (const std::exception& e) {
    emit failed(tr("Unexpected error: %1").arg(QString::fromStdString(e.what())), -1, ticket);
  }
}

void InferenceWorker::measureCost(const AnalyzerPtr& analyzer, const CostSweepOptions& options, quint64 ticket) {
  try {
    auto keep_going = [&](const Progress& p) {
      emit progress(p.done, p.total, QString::fromStdString(p.stage), ticket);
      return cancel_ticket_->load() < ticket;
    };
    CostSweep sweep = measure_cost_sweep(analyzer->model(), analyzer->tokenizer(), options, keep_going);
    if (sweep.cancelled) emit cancelled(ticket);
    else emit costMeasured(std::make_shared<const CostSweep>(std::move(sweep)), ticket);
  } catch (const Error& e) {
    emit failed(QString::fromStdString(e.what()), static_cast<int>(e.kind()), ticket);
  } catch (const std::exception& e) {
    emit failed(tr("Unexpected error: %1").arg(QString::fromStdString(e.what())), -1, ticket);
  }
}

void InferenceWorker::computeFlow(const AnalysisPtr& analysis, const FlowOptions& options, const QString& key, quint64 ticket) {
  try {
    auto keep_going = [&](const Progress& p) {
      emit progress(p.done, p.total, QString::fromStdString(p.stage), ticket);
      return cancel_ticket_->load() < ticket;
    };
    FlowResult r = attention_flow(analysis->forward.attentions, options, keep_going);
    if (r.cancelled) emit cancelled(ticket);
    else emit flowFinished(std::make_shared<const RowMatrix>(std::move(r.flow)), key, ticket);
  } catch (const Error& e) {
    emit failed(QString::fromStdString(e.what()), static_cast<int>(e.kind()), ticket);
  } catch (const std::exception& e) {
    emit failed(tr("Unexpected error: %1").arg(QString::fromStdString(e.what())), -1, ticket);
  }
}

namespace {

CorpusData read_corpus(const QStringList& paths, const ProgressFn& keep_going) {
  CorpusData c;
  c.source = paths.join(", ");
  if (paths.size() == 1 && QFileInfo(paths.front()).isFile()) {
    c.summary = read_corpus_summary(paths.front().toStdString());
    return c;
  }
  std::vector<std::filesystem::path> dirs;
  for (const QString& p : paths) dirs.push_back(p.toStdString());
  c.results = load_corpus_results(dirs, keep_going);
  if (!c.results.cancelled) c.summary = summarize_corpus(c.results);
  return c;
}

}  // namespace

void InferenceWorker::loadCorpus(const QStringList& paths, quint64 ticket) {
  try {
    auto keep_going = [&](const Progress& p) {
      emit progress(p.done, p.total, QString::fromStdString(p.stage), ticket);
      return cancel_ticket_->load() < ticket;
    };
    CorpusData c = read_corpus(paths, keep_going);
    if (c.results.cancelled) emit cancelled(ticket);
    else emit corpusLoaded(std::make_shared<const CorpusData>(std::move(c)), 0, ticket);
  } catch (const Error& e) {
    emit failed(QString::fromStdString(e.what()), static_cast<int>(e.kind()), ticket);
  } catch (const std::exception& e) {
    emit failed(tr("Unexpected error: %1").arg(QString::fromStdString(e.what())), -1, ticket);
  }
}

void InferenceWorker::runCorpusBatch(const AnalyzerPtr& analyzer, const CorpusBatchOptions& options, quint64 ticket) {
  try {
    auto keep_going = [&](const Progress& p) {
      emit progress(p.done, p.total, QString::fromStdString(p.stage), ticket);
      return cancel_ticket_->load() < ticket;
    };
    const CorpusBatchReport r = run_corpus_batch(*analyzer, options, keep_going);
    if (r.cancelled) return emit cancelled(ticket);  // the results written so far stay; running again resumes
    CorpusData c = read_corpus({QString::fromStdString(options.out_dir.string())}, keep_going);
    if (c.results.cancelled) emit cancelled(ticket);
    else emit corpusLoaded(std::make_shared<const CorpusData>(std::move(c)), r.failed, ticket);
  } catch (const Error& e) {
    emit failed(QString::fromStdString(e.what()), static_cast<int>(e.kind()), ticket);
  } catch (const std::exception& e) {
    emit failed(tr("Unexpected error: %1").arg(QString::fromStdString(e.what())), -1, ticket);
  }
}

}  // namespace attnscope::ui
