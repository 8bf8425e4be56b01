#include "ui/document/analysis_document.h"

#include <algorithm>

#include "core/analysis/rollout.h"
#include "core/analysis/token_roles.h"
#include "core/pipeline/derived_maps.h"

namespace attnscope::ui {

AnalysisDocument::AnalysisDocument(QObject* parent) : QObject(parent) {}

void AnalysisDocument::setAnalyzer(const AnalyzerPtr& analyzer, const QString& dir) {
  analyzer_ = analyzer;
  model_dir_ = dir;
  cost_sweep_.reset();
  generation_.reset();
  generation_step_ = 0;
  emit analyzerChanged();
  emit generationChanged();
  emit costSweepChanged();
  setAnalysis(nullptr);  // results of another model no longer apply
}

void AnalysisDocument::setInternals(std::shared_ptr<const AttentionInternals> internals) {
  internals_ = std::move(internals);
  emit internalsChanged();
}

void AnalysisDocument::setCostSweep(std::shared_ptr<const CostSweep> sweep) {
  cost_sweep_ = std::move(sweep);
  emit costSweepChanged();
}

void AnalysisDocument::setCorpus(std::shared_ptr<const CorpusData> corpus) {
  corpus_ = std::move(corpus);
  emit corpusChanged();
}

void AnalysisDocument::setGeneration(std::shared_ptr<const GenerationData> generation) {
  generation_ = std::move(generation);
  generation_step_ = generation_ ? generation_->steps() : 0;  // the last token first
  emit generationChanged();
}

void AnalysisDocument::setReference(const AnalysisPtr& reference, const QString& model_name) {
  reference_ = reference;
  reference_model_ = reference ? model_name : QString();
  comparison_.reset();
  emit referenceChanged();
  emit comparisonChanged();
}

void AnalysisDocument::setComparison(std::shared_ptr<const AttentionComparison> comparison) {
  comparison_ = std::move(comparison);
  emit comparisonChanged();
}

void AnalysisDocument::setGenerationStep(int step) {
  step = std::clamp(step, 0, generation_ ? generation_->steps() : 0);
  if (step == generation_step_) return;
  generation_step_ = step;
  emit generationStepChanged();
}

void AnalysisDocument::setMatrixZoom(const std::optional<QRectF>& zoom, bool notify) {
  zoom_ = zoom;
  if (notify) emit zoomChanged();
}

void AnalysisDocument::clearDerived() {
  labels_.clear();
  if (analysis_ && !analysis_->labels.empty())
    for (const auto& l : analysis_->labels) labels_ << QString::fromStdString(l);
  else
    for (int i = 0; i < seqLen(); ++i) labels_ << QString::number(i);
  zoom_.reset();
  rollouts_.clear();
  global_max_.clear();
  flows_.clear();
  derived_.clear();
  derived_status_.clear();
  flow_status_.clear();
  photo_ = QImage();
  stats_valid_ = false;
  has_induction_ = false;
}

void AnalysisDocument::setAnalysis(const AnalysisPtr& analysis) {
  result_ = analysis;
  analysis_ = analysis;
  shown_stack_ = Stack::Encoder;
  if (comparison_) {  // it compared the previous result
    comparison_.reset();
    emit comparisonChanged();
  }
  clearDerived();
  internals_.reset();
  if (result_ && result_->has_decoder() && state_.stack == Stack::Decoder) showStack(Stack::Decoder);
  else emit analysisChanged();
  setState(state_);  // keep layer/head/view, clamped to the new result
}

void AnalysisDocument::showStack(Stack stack) {
  shown_stack_ = stack;
  if (stack == Stack::Decoder && result_ && result_->has_decoder() && analyzer_ && analyzer_->tokenizer())
    analysis_ = std::make_shared<const Analysis>(decoder_stack(*result_, *analyzer_->tokenizer()));
  else
    analysis_ = result_;
  clearDerived();
  emit analysisChanged();
}

void AnalysisDocument::setInput(const QString& text, const QString& image_path) {
  input_text_ = text;
  input_image_ = image_path;
}

int AnalysisDocument::numLayers() const {
  if (analysis_) return analysis_->model.num_layers;
  return analyzer_ ? analyzer_->info().num_layers : 0;
}

int AnalysisDocument::numHeads() const {
  if (analysis_) return analysis_->model.num_heads;
  return analyzer_ ? analyzer_->info().num_heads : 0;
}

int AnalysisDocument::seqLen() const { return analysis_ ? analysis_->seq_len() : 0; }

ViewState AnalysisDocument::clamped(ViewState s) const {
  int layers = numLayers(), heads = numHeads();
  const int seq = seqLen();
  if (layers == 0 && corpus_)  // no model yet: the corpus' heads can still be chosen in the Heads view
    for (const CorpusStatistic& c : corpus_->summary.rows) {
      layers = std::max(layers, c.layer + 1);
      heads = std::max(heads, c.head + 1);
    }
  s.layer = layers > 0 ? std::clamp(s.layer, 0, layers - 1) : 0;
  s.head = heads > 0 ? std::clamp(s.head, 0, heads - 1) : 0;
  QList<int> subset;
  for (int h : s.subset)
    if (h >= 0 && h < heads && !subset.contains(h)) subset << h;
  std::sort(subset.begin(), subset.end());
  s.subset = subset;
  if (s.head_mode == HeadMode::Subset && s.subset.isEmpty()) s.head_mode = HeadMode::Mean;
  if (s.query >= seq) s.query = -1;
  if (!result_ || !result_->has_decoder()) s.stack = Stack::Encoder;
  if (!result_ || s.cross_source >= result_->seq_len()) s.cross_source = -1;
  if (!result_ || s.cross_target >= static_cast<int>(result_->forward.decoder.input_ids.size())) s.cross_target = -1;
  if (analysis_ && !analysis_->forward.attentions.layers.empty() && !analysis_->forward.attentions.has_layer(s.layer)) {
    // Only some layers were captured: move to the nearest captured one.
    const auto& ls = analysis_->forward.attentions.layers;
    s.layer = *std::min_element(ls.begin(), ls.end(), [&](int a, int b) { return std::abs(a - s.layer) < std::abs(b - s.layer); });
  }
  return s;
}

void AnalysisDocument::setState(const ViewState& state) {
  if (result_ && result_->has_decoder() && state.stack != shown_stack_) showStack(state.stack);
  const ViewState s = clamped(state);
  if (s == state_) return;
  const SelectionParts parts = changed_parts(state_, s);
  state_ = s;
  emit stateChanged();
  emit selectionEdited(parts);
}

void AnalysisDocument::setLayer(int layer) {
  edit([&](ViewState& s) { s.layer = layer; });
}

void AnalysisDocument::setHead(int head) {
  edit([&](ViewState& s) {
    s.head = head;
    s.head_mode = HeadMode::Single;
  });
}

void AnalysisDocument::stepLayer(int delta) {
  const int layers = numLayers();
  if (layers == 0) return;
  ViewState s = state_;
  s.layer = (s.layer + delta + layers) % layers;
  if (analysis_ && !analysis_->forward.attentions.has_layer(s.layer)) {
    const auto& ls = analysis_->forward.attentions.layers;
    auto it = std::find(ls.begin(), ls.end(), state_.layer);
    if (it == ls.end() || ls.empty()) return;
    const long i = (it - ls.begin() + (delta > 0 ? 1 : -1) + static_cast<long>(ls.size())) % static_cast<long>(ls.size());
    s.layer = ls[static_cast<size_t>(i)];
  }
  setState(s);
}

void AnalysisDocument::stepHead(int delta) {
  const int heads = numHeads();
  if (heads == 0) return;
  ViewState s = state_;
  s.head = s.head_mode == HeadMode::Single ? (s.head + delta + heads) % heads : (delta > 0 ? 0 : heads - 1);
  s.head_mode = HeadMode::Single;
  setState(s);
}

void AnalysisDocument::setHeadMode(HeadMode mode) {
  edit([&](ViewState& s) { s.head_mode = mode; });
}

void AnalysisDocument::setSubset(const QList<int>& heads) {
  edit([&](ViewState& s) {
    s.subset = heads;
    s.head_mode = HeadMode::Subset;
  });
}

void AnalysisDocument::setMethod(Method method) {
  ViewState s = state_;
  s.method = method;
  if (method == Method::Flow && !flow(s) && !flow_status_.isEmpty()) {
    // Choosing flow again after a cancel or failure asks for a new attempt.
    flow_status_.clear();
    if (s == state_) {
      emit stateChanged();
      return;
    }
  }
  setState(s);
}

void AnalysisDocument::setStartLayer(int layer) {
  edit([&](ViewState& s) { s.start_layer = std::clamp(layer, 0, std::max(0, numLayers() - 1)); });
}

void AnalysisDocument::setDiscardRatio(double ratio) {
  edit([&](ViewState& s) { s.discard_ratio = std::clamp(ratio, 0.0, 0.99); });
}

void AnalysisDocument::setQuery(int token) {
  edit([&](ViewState& s) { s.query = token; });
}

void AnalysisDocument::setView(ViewKind view) {
  edit([&](ViewState& s) { s.view = view; });
}

void AnalysisDocument::setColorMap(ColorMapId id) {
  edit([&](ViewState& s) { s.color_map = id; });
}

void AnalysisDocument::setNormalization(Normalization n) {
  edit([&](ViewState& s) { s.normalization = n; });
}

void AnalysisDocument::setHideSpecial(bool hide) {
  edit([&](ViewState& s) { s.hide_special = hide; });
}


QString AnalysisDocument::tokenTip(int token) const {
  const QStringList labels = tokenLabels();
  if (token < 0 || token >= labels.size()) return {};
  const QString shown = QString::fromUtf8("\u201c%1\u201d").arg(labels[token]);
  if (!analysis_ || static_cast<size_t>(token) >= analysis_->encoding.tokens.size()) return tr("token %1: %2").arg(token).arg(shown);
  const Token& t = analysis_->encoding.tokens[static_cast<size_t>(token)];
  QString tip = tr("token %1: %2, id %3").arg(token).arg(shown).arg(t.id);
  const QString raw = QString::fromStdString(t.text);
  if (raw != labels[token]) tip += "\n" + tr("vocabulary entry: \u201c%1\u201d").arg(raw);
  if (t.sequence >= 0 && t.end > t.begin) tip += "\n" + tr("bytes %1\u2013%2 of the text").arg(t.begin).arg(t.end);
  return tip;
}

TokenRoles AnalysisDocument::tokenRoles() const { return analysis_ ? token_roles(*analysis_) : TokenRoles{}; }

const std::vector<HeadStats>& AnalysisDocument::headStats() const {
  if (!stats_valid_) {
    stats_.clear();
    if (analysis_ && !analysis_->forward.attentions.empty()) stats_ = head_statistics(analysis_->forward.attentions, tokenRoles());
    stats_valid_ = true;
  }
  return stats_;
}

void AnalysisDocument::setInduction(const std::vector<int>& layers, const std::vector<float>& scores) {
  headStats();
  set_induction_scores(stats_, layers, scores, numHeads());
  has_induction_ = true;
  emit stateChanged();
}

std::vector<bool> AnalysisDocument::specialMask() const {
  const TokenRoles roles = tokenRoles();
  return std::vector<bool>(roles.special.begin(), roles.special.end());
}

int AnalysisDocument::effectiveQuery(const ViewState& state) const {
  if (!analysis_ || seqLen() == 0) return 0;
  if (state.query >= 0 && state.query < seqLen()) return state.query;
  return analysis_->model.causal ? seqLen() - 1 : 0;
}

}  // namespace attnscope::ui

namespace attnscope::ui {

std::string fusion_key(const FusionOptions& f) {
  std::string k = to_string(f.method);
  if (!f.heads.empty()) {
    k += ":";
    for (size_t i = 0; i < f.heads.size(); ++i) k += (i ? "," : "") + std::to_string(f.heads[i]);
  }
  return k;
}

FusionOptions fusion_for(const ViewState& s) {
  FusionOptions f;
  switch (s.head_mode) {
    case HeadMode::Max: f.method = HeadFusion::Max; break;
    case HeadMode::Min: f.method = HeadFusion::Min; break;
    case HeadMode::Subset:
      f.method = HeadFusion::Mean;
      f.heads.assign(s.subset.begin(), s.subset.end());
      break;
    default: f.method = HeadFusion::Mean; break;
  }
  return f;
}

RolloutOptions rollout_options_for(const ViewState& s) {
  RolloutOptions o;
  o.fusion = fusion_for(s);
  o.start_layer = s.start_layer;
  o.discard_ratio = s.discard_ratio;
  return o;
}

std::string AnalysisDocument::rolloutKey(const RolloutOptions& o) const {
  return fusion_key(o.fusion) + "|from " + std::to_string(o.start_layer) + "|discard " + std::to_string(o.discard_ratio) + "|residual " +
         std::to_string(o.residual_weight);
}

double AnalysisDocument::rolloutWork() const {
  if (!analysis_) return 0;
  const AttentionMaps& att = analysis_->forward.attentions;
  const double S = att.seq_len;
  return static_cast<double>(att.layers.size()) * S * S * S;
}

bool AnalysisDocument::rolloutIsDear(const RolloutOptions& o) const {
  return rolloutWork() > kSyncRolloutWork && !rollouts_.count(rolloutKey(o));
}

std::shared_ptr<const RowMatrix> AnalysisDocument::rollout(const RolloutOptions& o) const {
  if (!analysis_) return nullptr;
  const std::string key = rolloutKey(o);
  auto it = rollouts_.find(key);
  if (it != rollouts_.end()) return it->second;
  if (rolloutWork() > kSyncRolloutWork) return nullptr;
  return rollouts_.emplace(key, std::make_shared<const RowMatrix>(attention_rollout(analysis_->forward.attentions, o))).first->second;
}

void AnalysisDocument::setRollout(const std::string& key, std::shared_ptr<const RowMatrix> rollout) {
  rollouts_[key] = std::move(rollout);
  if (state_.method == Method::Rollout || state_.method == Method::NormRollout) {  // views showing a rollout redraw
    emit stateChanged();
    emit selectionEdited(SelectionPart::Method);
  }
}

QImage AnalysisDocument::photo() const {
  if (photo_.isNull() && analysis_ && !analysis_->image.empty()) {
    const RgbImage& img = analysis_->image;
    photo_ = QImage(img.pixels.data(), img.width, img.height, img.width * 3, QImage::Format_RGB888).copy();
  }
  return photo_;
}

std::vector<int> AnalysisDocument::flowRows(const ViewState& s) const {
  if (s.view == ViewKind::Image && analysis_ && analysis_->model.modality == Modality::Image) return {effectiveQuery(s)};
  return {};
}

QString AnalysisDocument::flowKey(const ViewState& s) const {
  std::string key = fusion_key(fusion_for(s)) + "|from " + std::to_string(s.start_layer);
  const std::vector<int> rows = flowRows(s);
  if (!rows.empty()) key += "|row " + std::to_string(rows.front());
  return QString::fromStdString(key);
}

const RowMatrix* AnalysisDocument::flow(const ViewState& s) const {
  auto it = flows_.find(flowKey(s));
  return it == flows_.end() ? nullptr : it->second.get();
}

void AnalysisDocument::setFlow(const QString& key, std::shared_ptr<const RowMatrix> flow) {
  flows_[key] = std::move(flow);
  flow_status_.clear();
  emit flowChanged();
  emit stateChanged();  // views showing the flow redraw
  emit selectionEdited(SelectionPart::Method);
}

void AnalysisDocument::setFlowStatus(const QString& status, const QString& key) {
  flow_status_ = status;
  flow_status_key_ = key;
  emit flowChanged();
  if (state_.method == Method::Flow) {
    emit stateChanged();
    emit selectionEdited(SelectionPart::Method);
  }
}

QString AnalysisDocument::derivedStatus(Derived d) const {
  const auto it = derived_status_.find(d);
  return it == derived_status_.end() ? QString() : it->second;
}

void AnalysisDocument::setDerived(Derived d, std::any value) {
  derived_[d] = std::move(value);
  derived_status_.erase(d);
  global_max_.clear();  // some keys are derived maps'; the others are cheap to find again
  emit derivedChanged(d);
  const DerivedKind& kind = derived_kind(d);
  if (kind.wanted(state_)) {  // views showing it redraw
    emit stateChanged();
    emit selectionEdited(kind.part);
  }
}

void AnalysisDocument::setDerivedStatus(Derived d, const QString& status) {
  derived_status_[d] = status;
  emit derivedChanged(d);
  const DerivedKind& kind = derived_kind(d);
  if (kind.wanted(state_)) {
    emit stateChanged();
    emit selectionEdited(kind.part);
  }
}

std::shared_ptr<const RowMatrix> AnalysisDocument::normRollout(int start_layer) const {
  const auto norms = valueNorms();
  if (!norms || !analysis_) return nullptr;
  const std::string key = normRolloutKey(start_layer);
  auto it = rollouts_.find(key);
  if (it != rollouts_.end()) return it->second;
  if (rolloutWork() > kSyncRolloutWork) return nullptr;
  return rollouts_.emplace(key, std::make_shared<const RowMatrix>(value_norm_rollout(*norms, analysis_->model.num_layers, start_layer))).first->second;
}

bool AnalysisDocument::normRolloutIsDear(int start_layer) const {
  return valueNorms() && rolloutWork() > kSyncRolloutWork && !rollouts_.count(normRolloutKey(start_layer));
}

double AnalysisDocument::globalMax(const ViewState& s) const {
  if (!analysis_) return 1;
  const AttentionMaps& att = analysis_->forward.attentions;
  const bool fused = s.head_mode != HeadMode::Single && s.method == Method::Raw;
  const bool norms = s.method == Method::ValueNorm;
  const bool contributions = s.method == Method::Contributions || s.method == Method::Alti;
  const std::string key = norms           ? std::string(s.head_mode == HeadMode::Single ? "value norms" : "value norms summed")
                          : contributions ? to_string(s.method).toStdString()
                          : fused         ? fusion_key(fusion_for(s))
                                          : std::string("heads");
  auto it = global_max_.find(key);
  if (it != global_max_.end()) return it->second;
  double m = 0;
  const auto max_of = [](const Tensor& t) { return t.data.empty() ? 0.0 : double(*std::max_element(t.data.begin(), t.data.end())); };
  if (norms) {
    const auto n = valueNorms();
    if (!n) return 1;  // not there yet: nothing is drawn with it
    m = max_of(s.head_mode == HeadMode::Single ? n->heads : n->layer);
  } else if (contributions) {
    const auto c = this->contributions();
    if (!c) return 1;
    m = max_of(s.method == Method::Alti ? c->aggregated : c->layer);
  } else if (fused) {
    for (int l : att.layers) m = std::max<double>(m, fuse_heads(att, l, fusion_for(s)).maxCoeff());
  } else if (!att.data.empty()) {
    m = *std::max_element(att.data.begin(), att.data.end());
  }
  global_max_[key] = m;
  return m;
}

}  // namespace attnscope::ui
