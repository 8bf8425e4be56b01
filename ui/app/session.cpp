#include "ui/app/session.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <utility>

#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QTimer>

#include "core/common/error.h"
#include "core/pipeline/install_paths.h"
#include "core/pipeline/memory_budget.h"

namespace attnscope::ui {

namespace {
const char* kRecentKey = "models/recent";
const char* kMemoryBudgetKey = "run/memoryBudget";
constexpr int kMaxRecent = 10;

QString kind_title(int kind) {
  switch (static_cast<ErrorKind>(kind)) {
    case ErrorKind::Model: return Session::tr("Cannot open the model");
    case ErrorKind::Input: return Session::tr("Cannot use this input");
    case ErrorKind::Usage: return Session::tr("Not possible");
    case ErrorKind::Output: return Session::tr("Cannot write");
    case ErrorKind::Resource: return Session::tr("Too large");
    case ErrorKind::Network: return Session::tr("Cannot reach the Hub");
  }
  return Session::tr("Error");
}
}  // namespace

Session::Session(QObject* parent) : QObject(parent) {
  recent_ = QSettings().value(kRecentKey).toStringList();
  memory_budget_ = QSettings().value(kMemoryBudgetKey, 0).toULongLong();
  connect(&controller_, &RunController::busyChanged, this, [this] { emit busyChanged(busy()); });
  connect(&controller_, &RunController::progress, this, &Session::progress);
  connect(&jobs_, &JobRunner::busyChanged, this, [this] { emit busyChanged(busy()); });
  connect(&jobs_, &JobRunner::progress, this, [this](const QString&, int done, int total, const QString& stage) {
    emit progress(done, total, stage);
  });
  connect(&document_, &AnalysisDocument::analysisChanged, this, &Session::compareIfBoth);
  connect(&document_, &AnalysisDocument::referenceChanged, this, &Session::compareIfBoth);
  connect(&jobs_, &JobRunner::finished, this, [this](const QString& key, const std::any& result) {
    if (key == "rollout") {
      const auto& [analysis, rollout_key, rollout] = std::any_cast<const RolloutResult&>(result);
      if (analysis == document_.analysis()) document_.setRollout(rollout_key, rollout);  // not a result replaced meanwhile
      return;
    }
    if (const DerivedKind* kind = derived_kind(key)) {
      const auto& [analysis, value] = std::any_cast<const DerivedResult&>(result);
      if (analysis == document_.analysis()) document_.setDerived(kind->id, value);  // not a result replaced meanwhile
      return;
    }
    if (key == "compare") {
      document_.setComparison(std::any_cast<std::shared_ptr<const AttentionComparison>>(result));
      return;
    }
    if (key != "generate") return;
    auto g = std::any_cast<std::shared_ptr<const GenerationData>>(result);
    document_.setGeneration(g);
    if (restore_generation_step_ >= 0) document_.setGenerationStep(restore_generation_step_);
    restore_generation_step_ = -1;
    emit status(tr("Generated %n token(s) in %1 ms (%2)", nullptr, g->steps())
                    .arg(static_cast<int>(g->generation.seconds * 1000 + 0.5))
                    .arg(QString::fromUtf8(to_string(g->generation.stop))));
  });
  connect(&jobs_, &JobRunner::cancelled, this, [this](const QString& key, const std::any& partial) {
    if (const DerivedKind* kind = derived_kind(key)) document_.setDerivedStatus(kind->id, kind->cancelled());
    if (key == "rollout") {
      rollout_key_.clear();
      emit status(tr("Rollout cancelled; choose the method again to restart it"));
    }
    if (key != "generate") return;
    if (partial.has_value()) {
      auto g = std::any_cast<std::shared_ptr<const GenerationData>>(partial);
      if (g->steps() > 0) document_.setGeneration(g);
      emit status(tr("Generation stopped after %n token(s)", nullptr, g->steps()));
    } else {
      emit status(tr("Generation cancelled"));
    }
  });
  connect(&jobs_, &JobRunner::failed, this, [this](const QString& key, const QString& what, int) {
    if (key == "compare") emit message(tr("Cannot compare with the reference: %1").arg(what), Severity::Warning);
    else if (key == "rollout") emit message(tr("Rollout failed: %1").arg(what), Severity::Error);
    else if (const DerivedKind* kind = derived_kind(key)) document_.setDerivedStatus(kind->id, kind->failed(what));
    else emit message(tr("Generation failed: %1").arg(what), Severity::Error);
  });
  connect(&controller_, &RunController::modelOpened, this, [this](const AnalyzerPtr& a, const QString& dir) {
    opening_ = false;
    document_.setAnalyzer(a, dir);
    rememberModel(dir);
    if (queued_run_) {
      const QueuedRun q = *queued_run_;
      queued_run_.reset();
      if (canRun(q.modality)) QTimer::singleShot(0, this, [this, q] { startRun(q.request, q.text, q.image); });
    }
    if (restore_) runRestore();
    const auto& i = a->info();
    emit status(tr("Opened %1: %2, %3 layers × %4 heads").arg(QFileInfo(dir).fileName(), QString::fromStdString(i.architecture))
                    .arg(i.num_layers)
                    .arg(i.num_heads));
    for (const auto& w : i.warnings) emit message(QString::fromStdString(w), Severity::Warning);
  });
  connect(&controller_, &RunController::finished, this, [this](const AnalysisPtr& a) {
    document_.setInput(pending_text_, pending_image_);
    last_request_ = pending_request_;
    document_.setAnalysis(a);
    QString s = tr("%n token(s)", nullptr, a->seq_len()) + tr(" · %1 ms").arg(qRound(a->seconds * 1000));
    if (!a->warnings.empty()) s += tr(" · %n warning(s)", nullptr, static_cast<int>(a->warnings.size()));
    emit status(s);
    for (const auto& w : a->warnings) emit message(QString::fromStdString(w), Severity::Warning);
    if (restore_) {
      document_.setState(restore_->state);
      document_.setMatrixZoom(restore_->zoom, true);
      const QStringList weights = QDir(document_.modelDir()).entryList({"*.safetensors"}, QDir::Files, QDir::Name);
      if (!restore_->weights_sha256.isEmpty() && !weights.isEmpty() &&
          file_sha256(QDir(document_.modelDir()).filePath(weights.first())) != restore_->weights_sha256)
        emit message(tr("The weights in %1 differ from those the figure was made with (sha256 changed); the view is restored, "
                        "the numbers may differ.").arg(document_.modelDir()),
                     Severity::Warning);
      if (restore_->generation) {
        restore_generation_step_ = restore_->generation->step;
        generate(restore_->generation->prompt, restore_->generation->options);
      }
      restore_.reset();
    }
    emit runFinished();
  });
  connect(&controller_, &RunController::flowFinished, this, [this](const MatrixPtr& flow, const QString& key) {
    flow_key_.clear();
    document_.setFlow(key, flow);
    emit status(tr("Attention flow computed"));
  });
  connect(&document_, &AnalysisDocument::stateChanged, this, &Session::computeFlowIfNeeded);
  connect(&document_, &AnalysisDocument::stateChanged, this, &Session::computeRolloutIfNeeded);
  connect(&document_, &AnalysisDocument::analysisChanged, this, &Session::computeRolloutIfNeeded);  // a re-run keeps the method
  connect(&document_, &AnalysisDocument::stateChanged, this, &Session::computeDerivedIfNeeded);
  connect(&document_, &AnalysisDocument::analysisChanged, this, &Session::computeDerivedIfNeeded);
  // A new result keeps the selected method: flow starts again once the run's job has ended (the
  // selection itself did not change, so stateChanged says nothing).
  connect(&controller_, &RunController::busyChanged, this, [this](bool busy) {
    if (!busy) QTimer::singleShot(0, this, &Session::computeFlowIfNeeded);
  });
  connect(&controller_, &RunController::internalsCaptured, this, [this](const InternalsPtr& i) {
    if (!document_.hasAnalysis()) return;
    document_.setInternals(i);
    emit status(tr("Captured Q, K and V of %n layer(s)", nullptr, static_cast<int>(i->layers.size())));
  });
  connect(&controller_, &RunController::costMeasured, this, [this](const CostSweepPtr& c) {
    document_.setCostSweep(c);
    emit status(tr("Measured %n length(s)", nullptr, static_cast<int>(c->lengths.size())));
  });
  connect(&controller_, &RunController::busyChanged, this, [this](bool busy) {
    if (busy || pending_corpus_.isEmpty()) return;
    // Later: the job that just ended may be followed at once by another (a model opened, then its run).
    QTimer::singleShot(0, this, [this] {
      if (!controller_.busy() && !pending_corpus_.isEmpty()) controller_.loadCorpus(std::exchange(pending_corpus_, {}));
    });
  });
  connect(&controller_, &RunController::corpusLoaded, this, [this](const CorpusPtr& c, int failed_lines) {
    document_.setCorpus(c);
    document_.setView(ViewKind::Heads);
    const QString what = tr("Corpus statistics of %n input(s)", nullptr, static_cast<int>(c->summary.inputs));
    if (failed_lines > 0)
      emit message(what + tr("; %n line(s) could not be used and are listed in the result folder's errors file", nullptr, failed_lines),
                   Severity::Warning);
    else
      emit status(what);
  });
  connect(&controller_, &RunController::inductionFinished, this, [this](const std::vector<int>& layers, const std::vector<float>& scores) {
    if (!document_.hasAnalysis()) return;
    document_.setInduction(layers, scores);
    emit status(tr("Induction scores computed"));
  });
  connect(&controller_, &RunController::cancelled, this, [this] {
    opening_ = false;
    queued_run_.reset();
    if (!flow_key_.isEmpty() && !document_.flow())
      document_.setFlowStatus(tr("Attention flow was cancelled. Choose the flow method again to restart it."), flow_key_);
    flow_key_.clear();
    emit status(tr("Cancelled; the previous result is still shown"));
  });
  connect(&controller_, &RunController::overBudget, this, [this](const QString& m, quint64 needed, quint64 budget, int n) {
    restore_.reset();
    refused_ = pending_request_;
    MemoryQuestion q;
    q.message = m;
    q.needed = needed;
    q.budget = budget;
    q.seq_len = n;
    const ModelInfo& info = document_.analyzer()->info();
    q.num_layers = info.num_layers;
    q.fitting_layers = layers_within_budget(info, n, pending_request_.forward, budget, document_.state().layer);
    ForwardOptions o = pending_request_.forward;
    o.layers = {0};
    const quint64 one = estimate_run_memory(info, n, o).total();
    o.layers = {0, 1};
    q.per_layer = estimate_run_memory(info, n, o).total() - one;
    q.fixed = one - q.per_layer;
    q.fitting_bytes = q.fixed + q.per_layer * q.fitting_layers.size();
    emit status(tr("The run was not started: it needs more memory than the budget"));
    emit memoryChoiceNeeded(q);
  });
  connect(&controller_, &RunController::failed, this, [this](const QString& m, int kind) {
    if (opening_ && queued_run_) emit message(tr("The run that waited for the model was not started."), Severity::Warning);
    opening_ = false;
    queued_run_.reset();
    restore_.reset();
    if (!flow_key_.isEmpty()) document_.setFlowStatus(m, flow_key_);
    flow_key_.clear();
    emit message(kind_title(kind) + ": " + m, Severity::Error);
    emit status(tr("%1: see the message above").arg(kind_title(kind)));  // not a stale "Opening …"
  });
}

void Session::openModel(const QString& reference) {
  if (reference.isEmpty()) return;
  QString dir;
  try {
    dir = QString::fromStdString(resolve_model_reference(reference.toStdString()).string());
  } catch (const Error& e) {
    emit message(kind_title(static_cast<int>(e.kind())) + ": " + QString::fromStdString(e.what()), Severity::Error);
    return;
  }
  emit status(tr("Opening %1…").arg(QDir::toNativeSeparators(dir)));
  opening_ = true;
  controller_.openModel(dir);
}

bool Session::canRun(Modality input) {
  if (!document_.analyzer()) {
    emit message(tr("Open a model first (File ▸ Open model folder…)."), Severity::Error);
    return false;
  }
  if (document_.analyzer()->info().modality == input) return true;
  const QString name = document_.modelName();
  emit message(input == Modality::Text ? tr("%1 is an image model: open an image to run it.").arg(name)
                                       : tr("%1 is a text model: type or open a text to run it.").arg(name),
               Severity::Error);
  return false;
}

bool Session::queueIfOpening(const AnalysisRequest& request, const QString& text, const QString& image, Modality modality) {
  if (!opening_) return false;
  queued_run_ = QueuedRun{request, text, image, modality};
  emit status(tr("The run starts when the model has opened"));
  return true;
}

void Session::runText(const QString& text, const QString& text_pair, const QString& target, int generate) {
  AnalysisRequest r;
  r.text = text.toStdString();
  if (!text_pair.isEmpty()) r.text_pair = text_pair.toStdString();
  if (!target.isEmpty()) r.target = target.toStdString();
  else r.generate = generate;
  if (queueIfOpening(r, text, QString(), Modality::Text) || !canRun(Modality::Text)) return;
  startRun(r, text, QString());
}

void Session::runImage(const QString& path, std::optional<ImageSize> size) {
  AnalysisRequest r;
  r.image = path.toStdString();
  r.image_size = size;
  if (queueIfOpening(r, QString(), path, Modality::Image) || !canRun(Modality::Image)) return;
  startRun(r, QString(), path);
}

void Session::startRun(const AnalysisRequest& request, const QString& text, const QString& image) {
  pending_text_ = text;
  pending_image_ = image;
  AnalysisRequest r = request;
  r.forward.logits = LogitsMode::Last;  // the GUI shows next-token predictions only
  r.forward.profile = true;             // the Cost view's per-layer times (about 1% of the run)
  // The values (value norms, contributions): S x Hkv d per layer, less than the maps once S passes
  // Hkv d / H; and the stream (contributions, the logit lens) unless it would cost more than the maps.
  std::erase_if(r.forward.taps, [](const TapRequest& t) { return t.tap == Tap::V; });  // a re-run within budget: its layers
  r.forward.taps.push_back(value_norm_taps(r.forward.layers));
  r.stream_if_cheap = true;
  if (r.memory_budget == 0) r.memory_budget = memory_budget_;
  pending_request_ = r;
  controller_.run(document_.analyzer(), r);
}

void Session::runWithinBudget(const std::vector<int>& layers) {
  if (!refused_ || !document_.analyzer() || controller_.busy()) return;
  AnalysisRequest r = *refused_;
  refused_.reset();
  if (layers.empty()) {
    r.memory_budget = std::numeric_limits<uint64_t>::max();  // this run only
  } else {
    r.forward.layers = layers;
    ViewState s = document_.state();
    if (std::find(layers.begin(), layers.end(), s.layer) == layers.end()) s.layer = layers.front();
    document_.setState(s);
  }
  startRun(r, pending_text_, pending_image_);
}

void Session::setMemoryBudgetText(const QString& text) {
  if (text.trimmed().isEmpty()) return setMemoryBudget(0);
  try {
    setMemoryBudget(parse_byte_size(text.trimmed().toStdString(), "memory budget"));
  } catch (const Error& e) {
    emit message(QString::fromStdString(e.what()), Severity::Error);
  }
}

QString Session::memoryBudgetText() const {
  if (!memory_budget_) return QString();
  return memory_budget_ % (1u << 20) == 0 ? QString("%1M").arg(memory_budget_ >> 20) : QString::number(memory_budget_);
}

void Session::setMemoryBudget(quint64 bytes) {
  memory_budget_ = bytes;
  QSettings().setValue(kMemoryBudgetKey, bytes);
  emit status(bytes ? tr("Memory budget: %1").arg(QString::fromStdString(format_bytes(bytes)))
                    : tr("Memory budget: half the machine's RAM (%1)").arg(QString::fromStdString(format_bytes(default_memory_budget()))));
}

void Session::cancel() {
  controller_.cancel();
  jobs_.cancel();
}

void Session::keepAsReference() {
  if (!document_.hasAnalysis()) {
    emit message(tr("Run an input first: its result becomes the reference."), Severity::Warning);
    return;
  }
  document_.setReference(document_.analysis(), document_.modelName());
  emit status(tr("Reference kept: run another input (or the same input on another model) to compare"));
}

void Session::clearReference() {
  jobs_.cancel("compare");
  document_.setReference(nullptr, QString());
}

void Session::compareIfBoth() {
  const AnalysisPtr a = document_.reference(), b = document_.analysis();
  if (!a || !b || a == b) return;
  if (a->model.modality != Modality::Text || b->model.modality != Modality::Text) {
    emit message(tr("Compare shows text inputs; the reference or the current result is an image."), Severity::Warning);
    return;
  }
  jobs_.submit("compare", [a, b](const ProgressFn& progress) -> std::any {
    const TokenAlignment al = align_tokens(a->encoding.ids(), b->encoding.ids());
    return std::make_shared<const AttentionComparison>(compare_attentions(a->forward.attentions, b->forward.attentions, al, progress));
  });
}

void Session::generate(const QString& prompt, const GenerationOptions& options) {
  const AnalyzerPtr analyzer = document_.analyzer();
  if (!analyzer || !analyzer->info().kv_cache || !analyzer->tokenizer()) {
    emit message(tr("Generation needs a causal language model (GPT-2, Llama, Qwen, Mistral, Gemma, Phi-3)."), Severity::Warning);
    return;
  }
  if (prompt.trimmed().isEmpty()) {
    emit message(tr("Type a prompt to generate from."), Severity::Warning);
    return;
  }
  emit status(tr("Generating up to %n token(s)…", nullptr, options.max_new_tokens));
  jobs_.submit("generate", [analyzer, prompt, options](const ProgressFn& progress) -> std::any {
    return make_generation(*analyzer, prompt, options, progress);
  });
}

void Session::openSidecar(const QString& path) {
  try {
    restore_ = read_sidecar(path);
  } catch (const Error& e) {
    emit message(tr("Cannot restore this figure: %1").arg(QString::fromStdString(e.what())), Severity::Error);
    return;
  }
  if (!QFileInfo(restore_->model_dir).isDir()) {
    emit message(tr("The figure was made with the model in %1, which is not there any more.").arg(restore_->model_dir), Severity::Error);
    restore_.reset();
    return;
  }
  emit inputRestored(restore_->text, restore_->text_pair, restore_->image, restore_->target, restore_->generate);
  if (!restore_->image.isEmpty()) emit imageSizeRestored(restore_->image_size);
  const bool same = document_.analyzer() && QFileInfo(document_.modelDir()).absoluteFilePath() == QFileInfo(restore_->model_dir).absoluteFilePath();
  if (same) runRestore();
  else openModel(restore_->model_dir);
}

void Session::runRestore() {
  if (!restore_->image.isEmpty()) runImage(restore_->image, restore_->image_size);
  else runText(restore_->text, restore_->text_pair, restore_->target, restore_->generate);
}

void Session::captureInternals(int layer) {
  if (!document_.hasAnalysis() || controller_.busy()) return;
  const Analysis& a = *document_.analysis();
  AnalysisRequest r = last_request_;
  r.forward.layers = {layer};  // the attention is there already; keep this run small
  r.forward.logits = LogitsMode::None;
  r.forward.profile = false;
  const double per_layer = 4.0 * a.seq_len() * a.model.head_dim * 2.0 * (a.model.num_heads + a.model.num_kv_heads);
  r.forward.capture_internals.clear();
  if (per_layer * a.model.num_layers <= 256e6)
    for (int l = 0; l < a.model.num_layers; ++l) r.forward.capture_internals.push_back(l);
  else
    r.forward.capture_internals = {layer};
  emit status(tr("Capturing Q, K and V (running the input again)…"));
  controller_.captureInternals(document_.analyzer(), r);
}

void Session::measureCost(const CostSweepOptions& options) {
  if (!document_.analyzer() || controller_.busy()) return;
  controller_.measureCost(document_.analyzer(), options);
}

void Session::computeInduction() {
  if (!document_.analyzer() || controller_.busy() || !document_.analyzer()->info().causal) return;
  controller_.computeInduction(document_.analyzer());
}

void Session::computeRolloutIfNeeded() {
  if (!document_.hasAnalysis()) return;
  const ViewState& s = document_.state();
  const AnalysisPtr a = document_.analysis();
  std::string key;
  QString what;
  std::function<RowMatrix(const ProgressFn&)> make;
  if (s.method == Method::Rollout) {
    const RolloutOptions o = rollout_options_for(s);
    if (!document_.rolloutIsDear(o)) return;  // cheap, or there already
    key = document_.rolloutKey(o);
    what = tr("Computing the rollout on %n token(s)…", nullptr, a->seq_len());
    make = [a, o](const ProgressFn& progress) { return attention_rollout(a->forward.attentions, o, progress); };
  } else if (s.method == Method::NormRollout) {
    const int start = s.start_layer;
    if (!document_.normRolloutIsDear(start)) return;  // cheap, there already, or no value norms yet
    key = AnalysisDocument::normRolloutKey(start);
    what = tr("Computing the rollout of value norms on %n token(s)\u2026", nullptr, a->seq_len());
    make = [a, norms = document_.valueNorms(), start](const ProgressFn& progress) {
      return value_norm_rollout(*norms, a->model.num_layers, start, progress);
    };
  } else {
    return;
  }
  if (key == rollout_key_ && a == rollout_of_ && jobs_.pending("rollout")) return;
  rollout_key_ = key;
  rollout_of_ = a;
  emit status(what);
  jobs_.submit("rollout", [a, key, make](const ProgressFn& progress) -> std::any {
    RowMatrix r = make(progress);
    if (r.size() == 0) fail(ErrorKind::Usage, "cancelled");
    return RolloutResult{a, key, std::make_shared<const RowMatrix>(std::move(r))};
  });
}

void Session::computeDerivedIfNeeded() {
  if (!document_.hasAnalysis() || !document_.analyzer()) return;
  for (const DerivedKind& kind : derived_kinds()) {
    if (!kind.wanted(document_.state()) || document_.hasDerived(kind.id)) continue;
    const QString key = QLatin1String(kind.key);
    if (!document_.derivedStatus(kind.id).isEmpty() || jobs_.pending(key)) continue;  // computing, failed or cancelled
    const AnalysisPtr a = document_.analysis();
    const AnalyzerPtr analyzer = document_.analyzer();
    if (a->model.dir != analyzer->info().dir || a != document_.result()) {
      document_.setDerivedStatus(kind.id, kind.failed(tr("it needs the model that made this result, and its encoder or only stack")));
      continue;
    }
    document_.setDerivedStatus(kind.id, kind.computing(*a));
    const AnalysisRequest request = last_request_;
    const auto compute = kind.compute;
    jobs_.submit(key, [a, analyzer, request, compute](const ProgressFn& progress) -> std::any {
      std::any value = compute(*analyzer, *a, request, progress);
      if (!value.has_value()) fail(ErrorKind::Usage, "cancelled");
      return DerivedResult{a, std::move(value)};
    });
  }
}

void Session::computeFlowIfNeeded() {
  if (document_.state().method != Method::Flow || !document_.hasAnalysis() || document_.flow() || controller_.busy()) return;
  if (!document_.flowStatus().isEmpty()) return;  // computing, failed or cancelled: the user chooses again
  FlowOptions o;
  o.fusion = fusion_for(document_.state());
  o.start_layer = document_.state().start_layer;
  o.rows = document_.flowRows(document_.state());
  flow_key_ = document_.flowKey();
  document_.setFlowStatus(tr("Computing attention flow… (progress below; Esc cancels)"), flow_key_);
  controller_.computeFlow(document_.analysis(), o, flow_key_);
}

void Session::rememberModel(const QString& dir) {
  const QString abs = QFileInfo(dir).absoluteFilePath();
  recent_.removeAll(abs);
  recent_.prepend(abs);
  while (recent_.size() > kMaxRecent) recent_.removeLast();
  QSettings().setValue(kRecentKey, recent_);
  emit recentModelsChanged();
}

void Session::openCorpus(const QStringList& paths) {
  if (paths.isEmpty()) return;
  if (controller_.busy()) {
    pending_corpus_ = paths;
    return;
  }
  controller_.loadCorpus(paths);
}

void Session::runCorpusBatch(const QString& inputs, const QString& out_dir) {
  if (!document_.analyzer()) {
    emit message(tr("Open a model first: the batch runs every input through it."), Severity::Warning);
    return;
  }
  if (controller_.busy()) return;
  CorpusBatchOptions o;
  o.inputs = inputs.toStdString();
  o.out_dir = out_dir.toStdString();
  o.memory_budget = memory_budget_;
  controller_.runCorpusBatch(document_.analyzer(), o);
}

void Session::openCorpusInput(int index) {
  const CorpusPtr c = document_.corpus();
  if (!c || index < 0 || static_cast<size_t>(index) >= c->results.inputs.size()) return;
  const CorpusResult& r = c->results.inputs[static_cast<size_t>(index)];
  const QString model = QFileInfo(document_.modelDir()).fileName();
  if (!c->results.model.empty() && model != QString::fromStdString(c->results.model))
    emit message(tr("The corpus was made with %1; \"%2\" runs through the open model, %3.")
                     .arg(QString::fromStdString(c->results.model), QString::fromStdString(r.id), model.isEmpty() ? tr("none") : model),
                 Severity::Warning);
  document_.setView(ViewKind::Matrix);  // the chosen head on this input, as soon as it has run
  if (!r.image.empty()) {
    runImage(QString::fromStdString(r.image));
    emit inputRestored(QString(), QString(), QString::fromStdString(r.image), QString(), 0);
  } else if (!r.text.empty()) {
    runText(QString::fromStdString(r.text), QString::fromStdString(r.text_b));
    emit inputRestored(QString::fromStdString(r.text), QString::fromStdString(r.text_b), QString(), QString(), 0);
  } else {
    emit message(tr("The result of \"%1\" does not record its input (made by an older attnscope-cli).").arg(QString::fromStdString(r.id)),
                 Severity::Warning);
  }
}

}  // namespace attnscope::ui
