#pragma once

#include <any>
#include <map>
#include <memory>
#include <vector>

#include <QImage>
#include <QObject>
#include <QRectF>
#include <QString>
#include <QStringList>

#include "core/analysis/compare.h"
#include "core/analysis/fusion.h"
#include "core/analysis/rollout.h"
#include "core/pipeline/derived_maps.h"
#include "core/pipeline/head_ablation.h"
#include "core/analysis/cost_model.h"
#include "core/hub/hub_cache.h"
#include "core/analysis/head_stats.h"
#include "core/models/attention_internals.h"
#include "ui/document/derived_results.h"
#include "ui/document/generation_data.h"
#include "ui/document/view_state.h"
#include "ui/document/results.h"

namespace attnscope::ui {

// The open model, the last result and the selection every view follows. Views observe it and
// never own results; changing the selection goes through the setters, which clamp to the model's
// shape and emit stateChanged() once.
class AnalysisDocument : public QObject {
  Q_OBJECT
 public:
  explicit AnalysisDocument(QObject* parent = nullptr);

  // Model
  const AnalyzerPtr& analyzer() const { return analyzer_; }
  QString modelDir() const { return model_dir_; }
  // "org/name" for a Hugging Face cache snapshot, else the folder's name: for titles and the status bar.
  QString modelName() const { return QString::fromStdString(attnscope::model_display_name(model_dir_.toStdString())); }
  void setAnalyzer(const AnalyzerPtr& analyzer, const QString& dir);

  // Result of the last completed run (null before the first one), as the single-stack views show
  // it: for an encoder-decoder model, the stack ViewState::stack chooses (decoder_stack()).
  const AnalysisPtr& analysis() const { return analysis_; }
  // The whole result: with an encoder-decoder model, the encoder in the main fields and the
  // decoder and cross-attention in forward.decoder (the Cross view reads this).
  const AnalysisPtr& result() const { return result_; }
  bool hasAnalysis() const { return analysis_ != nullptr; }
  void setAnalysis(const AnalysisPtr& analysis);
  int numLayers() const;
  int numHeads() const;
  int seqLen() const;

  // Image models: the decoded photo of the result as a QImage, converted once per result (a
  // 12-megapixel photo is a 36 MB copy) and shared by the views and exports; null for text.
  QImage photo() const;

  // The input of the last run, as the user gave it.
  QString inputText() const { return input_text_; }
  QString inputImage() const { return input_image_; }
  void setInput(const QString& text, const QString& image_path);

  // The Matrix view's visible key (x) and query (y) ranges, kept for exports and sidecars. Set
  // without stateChanged (panning must not redraw every view); zoomChanged tells the Matrix view
  // when it comes from elsewhere (a restored sidecar). Cleared with a new result.
  std::optional<QRectF> matrixZoom() const { return zoom_; }
  void setMatrixZoom(const std::optional<QRectF>& zoom, bool notify = false);

  // Selection
  const ViewState& state() const { return state_; }
  void setState(const ViewState& state);
  void setLayer(int layer);
  void setHead(int head);  // also switches to HeadMode::Single
  void stepLayer(int delta);
  void stepHead(int delta);
  void setHeadMode(HeadMode mode);
  void setSubset(const QList<int>& heads);
  void setMethod(Method method);
  void setQuery(int token);
  void setStartLayer(int layer);      // rollout / flow
  void setDiscardRatio(double ratio);  // rollout
  void setView(ViewKind view);
  void setColorMap(ColorMapId id);
  void setNormalization(Normalization n);
  void setHideSpecial(bool hide);

  // Token labels for display (one per attention row) and which tokens are special.
  const QStringList& tokenLabels() const { return labels_; }
  // A token as a tooltip shows it: index, id, shown text, and the vocabulary entry when the
  // decoder shows it otherwise ("Ġworld", "<0xE4>"), so nothing is hidden.
  QString tokenTip(int token) const;
  std::vector<bool> specialMask() const;
  // The query row the Text and Image views show when none is chosen: CLS for images and
  // bidirectional encoders, the last token for causal models.
  int effectiveQuery() const { return effectiveQuery(state_); }
  int effectiveQuery(const ViewState& state) const;

  // Derived maps of the current result, cached until the result changes. A rollout costs L
  // products of [S, S] matrices: up to kSyncRolloutWork multiply-adds it is computed here on first
  // use; a dearer one is computed by Session's job and is null until setRollout() delivers it.
  // May throw Error(Usage) (a start layer that was not captured).
  static constexpr double kSyncRolloutWork = 4e8;
  std::shared_ptr<const attnscope::RowMatrix> rollout(const attnscope::RolloutOptions& options) const;
  bool rolloutIsDear(const attnscope::RolloutOptions& options) const;  // dear and not there yet
  double rolloutWork() const;  // multiply-adds of one rollout of the current result: L·S³
  std::string rolloutKey(const attnscope::RolloutOptions& options) const;
  void setRollout(const std::string& key, std::shared_ptr<const attnscope::RowMatrix> rollout);
  // Attention flow is expensive and computed on the worker (Session starts it when the Flow
  // method is chosen); null until it is there. flowKey() names what it must be computed for: the
  // fusion, the start layer and flowRows(). The Image view needs only the query's row (S max-flow
  // problems instead of S², which makes flow possible on a ViT); then the stored matrix is
  // [rows.size(), S], else [S, S].
  const attnscope::RowMatrix* flow(const ViewState& state) const;
  const attnscope::RowMatrix* flow() const { return flow(state_); }
  std::vector<int> flowRows(const ViewState& state) const;
  QString flowKey(const ViewState& state) const;
  QString flowKey() const { return flowKey(state_); }
  // Computing, failed or cancelled: for the flow of the current key only, so choosing another
  // query row starts afresh.
  QString flowStatus() const { return flow_status_key_ == flowKey() ? flow_status_ : QString(); }
  void setFlow(const QString& key, std::shared_ptr<const attnscope::RowMatrix> flow);
  void setFlowStatus(const QString& status) { setFlowStatus(status, flowKey()); }
  void setFlowStatus(const QString& status, const QString& key);
  // Results derived from the current one by Session's jobs (ui/document/derived_results.h): null
  // until setDerived() delivers them; derivedStatus() says why there is none (computing, cancelled,
  // the model has none, the run did not keep what they need).
  std::shared_ptr<const attnscope::ValueNormMaps> valueNorms() const { return derived<attnscope::ValueNormMaps>(Derived::ValueNorms); }
  std::shared_ptr<const attnscope::ContributionMaps> contributions() const {
    return derived<attnscope::ContributionMaps>(Derived::Contributions);
  }
  std::shared_ptr<const attnscope::HeadAblationResult> ablation() const { return derived<attnscope::HeadAblationResult>(Derived::Ablation); }
  std::shared_ptr<const attnscope::LogitLens> lens() const { return derived<attnscope::LogitLens>(Derived::Lens); }
  bool hasDerived(Derived d) const { return derived_.count(d) > 0; }
  QString derivedStatus(Derived d) const;
  // Why the derived result is not shown: its status, or `otherwise` when it has none yet.
  QString derivedNote(Derived d, const QString& otherwise) const {
    const QString status = derivedStatus(d);
    return status.isEmpty() ? otherwise : status;
  }
  // `value`: a shared_ptr<const T> of the kind's type (derived_kinds()).
  void setDerived(Derived d, std::any value);
  void setDerivedStatus(Derived d, const QString& status);
  // The rollout of the value norms from `start_layer` (Method::NormRollout, core value_norm_rollout):
  // null until the value norms are there; kept beside the attention rollouts under
  // normRolloutKey(), cheap ones computed here, dear ones by Session's job (setRollout()).
  std::shared_ptr<const attnscope::RowMatrix> normRollout(int start_layer) const;
  bool normRolloutIsDear(int start_layer) const;  // dear, not there yet, and the value norms are
  static std::string normRolloutKey(int start_layer) { return "value norms|from " + std::to_string(start_layer); }
  // Largest weight over every captured head (or fused layer, for fused selections): the range
  // of the "global max" normalisation.
  double globalMax(const ViewState& state) const;

  // Statistics of every captured head (core head_statistics), with induction scores once the
  // Session has computed them (causal models only; they need extra runs on generated input).
  const std::vector<attnscope::HeadStats>& headStats() const;
  bool hasInduction() const { return has_induction_; }
  void setInduction(const std::vector<int>& layers, const std::vector<float>& scores);
  attnscope::TokenRoles tokenRoles() const;

  // Q, K, V and per-head contexts of the current result, captured by running the same input again
  // (Session::captureInternals) when the Inside view needs them; null until then.
  // (Encoder-decoder models: the encoder's; null while the decoder stack is shown.)
  std::shared_ptr<const attnscope::AttentionInternals> internals() const {
    return shown_stack_ == Stack::Encoder ? internals_ : nullptr;
  }
  void setInternals(std::shared_ptr<const attnscope::AttentionInternals> internals);
  // Measured runs at increasing generated lengths (Session::measureCost) for the open model.
  std::shared_ptr<const attnscope::CostSweep> costSweep() const { return cost_sweep_; }
  void setCostSweep(std::shared_ptr<const attnscope::CostSweep> sweep);
  // Head statistics of a corpus (`attnscope-cli batch` results or a merged summary), which the
  // Heads view can show instead of the current input's. Independent of the open model and input.
  std::shared_ptr<const CorpusData> corpus() const { return corpus_; }
  void setCorpus(std::shared_ptr<const CorpusData> corpus);
  // The last generation of the open causal LM (Session::generate) and the step the Generation
  // view shows (1-based; 0 = the prompt). Independent of the last run; a new model drops it.
  std::shared_ptr<const GenerationData> generation() const { return generation_; }
  void setGeneration(std::shared_ptr<const GenerationData> generation);
  int generationStep() const { return generation_step_; }
  void setGenerationStep(int step);
  // Compare: a result kept as the reference (A) that the current one (B) is compared with, of any
  // model; it stays across runs and models until cleared. The comparison of the two (computed on
  // the worker, Session) is null while it is being made or when either is missing.
  const AnalysisPtr& reference() const { return reference_; }
  QString referenceModel() const { return reference_model_; }
  void setReference(const AnalysisPtr& reference, const QString& model_name);
  std::shared_ptr<const attnscope::AttentionComparison> comparison() const { return comparison_; }
  void setComparison(std::shared_ptr<const attnscope::AttentionComparison> comparison);

 signals:
  void analyzerChanged();
  void analysisChanged();
  void stateChanged();
  // With stateChanged: which parts of the selection changed (or SelectionPart::Method when a
  // derived map arrives). Views that show few of them listen to this one.
  void selectionEdited(attnscope::ui::SelectionParts parts);
  void flowChanged();
  void derivedChanged(attnscope::ui::Derived which);
  void zoomChanged();
  void internalsChanged();
  void costSweepChanged();
  void corpusChanged();
  void generationChanged();
  void generationStepChanged();
  void referenceChanged();
  void comparisonChanged();

 private:
  ViewState clamped(ViewState s) const;
  // Shows `stack` of result_ in analysis_ and drops what was derived from the other one.
  void showStack(Stack stack);
  void clearDerived();
  template <typename F>
  void edit(F&& change) {
    ViewState s = state_;
    change(s);
    setState(s);
  }

  AnalyzerPtr analyzer_;
  QString model_dir_;
  AnalysisPtr analysis_;
  QStringList labels_;  // tokenLabels(), made when the shown analysis changes (maps are built on workers too)
  AnalysisPtr result_;
  Stack shown_stack_ = Stack::Encoder;
  QString input_text_, input_image_;
  std::optional<QRectF> zoom_;
  ViewState state_;
  mutable std::map<std::string, std::shared_ptr<const attnscope::RowMatrix>> rollouts_;
  mutable std::map<std::string, double> global_max_;
  mutable QImage photo_;
  std::map<QString, std::shared_ptr<const attnscope::RowMatrix>> flows_;
  QString flow_status_, flow_status_key_;
  template <typename T>
  std::shared_ptr<const T> derived(Derived d) const {
    const auto it = derived_.find(d);
    return it == derived_.end() ? nullptr : std::any_cast<std::shared_ptr<const T>>(it->second);
  }
  std::map<Derived, std::any> derived_;
  std::map<Derived, QString> derived_status_;
  mutable std::vector<attnscope::HeadStats> stats_;
  mutable bool stats_valid_ = false;
  bool has_induction_ = false;
  std::shared_ptr<const attnscope::AttentionInternals> internals_;
  std::shared_ptr<const attnscope::CostSweep> cost_sweep_;
  std::shared_ptr<const CorpusData> corpus_;
  std::shared_ptr<const GenerationData> generation_;
  int generation_step_ = 0;
  AnalysisPtr reference_;
  QString reference_model_;
  std::shared_ptr<const attnscope::AttentionComparison> comparison_;
};

// A stable key for a head fusion ("mean", "max", "mean:0,2").
std::string fusion_key(const attnscope::FusionOptions& fusion);
attnscope::FusionOptions fusion_for(const ViewState& state);
// Rollout of the selection: its head fusion, start layer and discard ratio.
attnscope::RolloutOptions rollout_options_for(const ViewState& state);

}  // namespace attnscope::ui
