#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

#include <optional>

#include "ui/document/analysis_document.h"
#include "ui/export/export_controller.h"
#include "ui/export/provenance.h"
#include "ui/workers/job_runner.h"
#include "ui/workers/run_controller.h"

namespace attnscope::ui {

// Severity of a message shown in the window's message bar.
enum class Severity { Info, Warning, Error };

// A run refused because its captured attention would exceed the memory budget, and the ways
// out the user can choose (Session::runWithinBudget).
struct MemoryQuestion {
  QString message;                // the core's explanation, with the estimate
  quint64 needed = 0;             // bytes the refused run would hold
  quint64 budget = 0;
  int seq_len = 0;
  int num_layers = 0;
  std::vector<int> fitting_layers;  // the most consecutive layers around the selected one that fit; empty if none
  quint64 fitting_bytes = 0;      // the run's estimate with only those layers
  quint64 per_layer = 0;          // the estimate is fixed + per_layer x captured layers
  quint64 fixed = 0;
};

// The application logic behind the window: opening models, running inputs on the worker
// thread, cancelling, remembering recent models. Owns the document; the window only forwards
// user actions here and shows what the signals report.
class Session : public QObject {
  Q_OBJECT
 public:
  explicit Session(QObject* parent = nullptr);

  AnalysisDocument* document() { return &document_; }
  const AnalysisDocument* document() const { return &document_; }
  bool busy() const { return controller_.busy() || jobs_.busy(); }
  quint64 memoryBudget() const { return memory_budget_; }  // 0: the default, half the RAM
  ExportController* exports() { return &exports_; }
  QStringList recentModels() const { return recent_; }

 public slots:
  // A model folder or `builtin:NAME`.
  void openModel(const QString& reference);
  // Runs the text (and optional second segment) or the image through the open model.
  // `target` / `generate`: encoder-decoder models (teacher forcing, or greedy decoding of up to
  // that many tokens).
  void runText(const QString& text, const QString& text_pair = QString(), const QString& target = QString(), int generate = 0);
  // `size`: resize straight to W x H (DINO-style high-resolution maps); none = the model's preprocessing.
  void runImage(const QString& path, std::optional<attnscope::ImageSize> size = std::nullopt);
  void cancel();
  // Induction scores of the open causal model (runs it on generated repeated sequences).
  void computeInduction();
  // Restores the view a figure's NAME.attnscope.json describes: opens its model, runs its input
  // and applies its selection and zoom.
  void openSidecar(const QString& path);
  // Captures Q, K, V of `layer` (all layers if that fits in 256 MB) by running the current input
  // again, for the Inside view.
  void captureInternals(int layer);
  // Runs the model at increasing generated lengths for the Cost view.
  void measureCost(const attnscope::CostSweepOptions& options);
  // After memoryChoiceNeeded: runs the refused input again capturing only `layers`, or, with
  // `layers` empty, all layers with the budget raised to what the run needs (this run only).
  void runWithinBudget(const std::vector<int>& layers);
  // Bytes a run may hold (0: half the machine's RAM); remembered across sessions.
  void setMemoryBudget(quint64 bytes);
  // Corpus statistics for the Heads view: result folders of `attnscope-cli batch`, or a summary
  // file of `merge`; read on the worker (progress, Esc cancels).
  void openCorpus(const QStringList& paths);
  // Runs the JSONL file `inputs` through the open model into the result folder `out_dir` on the
  // worker (a re-run resumes), then shows it as the corpus.
  void runCorpusBatch(const QString& inputs, const QString& out_dir);
  // Runs input `index` of the corpus' results (as the Heads view lists them) in the normal views.
  void openCorpusInput(int index);
  // Generates after `prompt` with the open causal LM on the worker (progress per token; Esc stops
  // it and keeps the tokens made so far) into the document's generation.
  void generate(const QString& prompt, const attnscope::GenerationOptions& options);
  // Keeps the current result as the reference the next ones are compared with (Compare view);
  // clearReference() ends the comparison.
  void keepAsReference();
  void clearReference();
  // The same as text ("4G", "512M"; empty = the default); a message if it cannot be read.
  void setMemoryBudgetText(const QString& text);
  QString memoryBudgetText() const;

 signals:
  void message(const QString& text, attnscope::ui::Severity severity);
  void status(const QString& text);
  void busyChanged(bool busy);
  void progress(int done, int total, const QString& stage);
  void runFinished();
  // A run was refused before allocating: the window asks which way out to take.
  void memoryChoiceNeeded(const attnscope::ui::MemoryQuestion& question);
  void recentModelsChanged();
  // The input a restored sidecar runs, for the input panel to show.
  void inputRestored(const QString& text, const QString& text_pair, const QString& image, const QString& target, int generate);
  void imageSizeRestored(std::optional<attnscope::ImageSize> size);

 private:
  void startRun(const attnscope::AnalysisRequest& request, const QString& text, const QString& image);
  void computeFlowIfNeeded();
  void computeRolloutIfNeeded();  // a dear rollout (of the weights or of the value norms) on the job runner
  // The derived results (ui/document/derived_results.h) the selection shows, each on the job runner once per result.
  void computeDerivedIfNeeded();
  bool canRun(attnscope::Modality input);  // a model of that modality is open, else a message
  void rememberModel(const QString& dir);

  void runRestore();
  void compareIfBoth();  // the reference and the current result on the worker, into the document

  AnalysisDocument document_;
  RunController controller_;
  JobRunner jobs_;  // jobs that need no model switch: generation, compare, dear rollouts
  ExportController exports_{&document_};
  std::optional<Sidecar> restore_;  // a sidecar being restored
  attnscope::AnalysisRequest pending_request_;  // the run under way
  attnscope::AnalysisRequest last_request_;     // the run that made the shown result
  QStringList recent_;
  QString pending_text_, pending_image_;
  QString flow_key_;  // the attention flow being computed, empty when none
  // The dear rollout being computed: for which options and which result.
  std::string rollout_key_;
  AnalysisPtr rollout_of_;
  struct DerivedResult {
    AnalysisPtr analysis;  // what it was made from
    std::any value;
  };
  struct RolloutResult {
    AnalysisPtr analysis;
    std::string key;
    MatrixPtr rollout;
  };
  quint64 memory_budget_ = 0;
  std::optional<attnscope::AnalysisRequest> refused_;  // the run memoryChoiceNeeded is about
  QStringList pending_corpus_;  // openCorpus() while a job ran: loaded when the worker is free
  // A run asked for while a model opens waits for it (and then runs on it) instead of cancelling it.
  bool opening_ = false;
  int restore_generation_step_ = -1;  // a restored Generation figure's step, applied when its tokens come
  struct QueuedRun {
    attnscope::AnalysisRequest request;
    QString text, image;
    attnscope::Modality modality;
  };
  std::optional<QueuedRun> queued_run_;
  bool queueIfOpening(const attnscope::AnalysisRequest& request, const QString& text, const QString& image,
                      attnscope::Modality modality);
};

}  // namespace attnscope::ui
