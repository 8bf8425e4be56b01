#include "ui/panels/controls_bar.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QSpinBox>
#include <QStandardItemModel>

#include "ui/document/analysis_document.h"

namespace attnscope::ui {

namespace {
// Head combo entries after the per-head ones.
enum HeadEntry { kMean = -1, kMax = -2, kMin = -3, kSubset = -4 };
}

ControlsBar::ControlsBar(AnalysisDocument* document, QWidget* parent) : QWidget(parent), document_(document) {
  auto* l = new QHBoxLayout(this);
  l->setContentsMargins(4, 2, 4, 2);
  auto label = [&](const QString& t, QWidget* buddy) {
    auto* lab = new QLabel(t);
    lab->setBuddy(buddy);
    l->addWidget(lab);
    l->addWidget(buddy);
  };
  stack_ = new QComboBox;
  stack_->setObjectName("stackCombo");
  stack_->addItem(tr("encoder"), 0);
  stack_->addItem(tr("decoder"), 1);
  stack_->addItem(tr("cross-attention"), 2);
  stack_->setToolTip(tr("Encoder-decoder models: the self-attention stack the views show, or the cross-attention view"));
  layer_ = new QSpinBox;
  layer_->setObjectName("layerSpin");
  layer_->setToolTip(tr("Layer (↑/↓ in a view)"));
  head_ = new QComboBox;
  head_->setObjectName("headCombo");
  head_->setToolTip(tr("Head (←/→ in a view), or a fusion of heads"));
  method_ = new QComboBox;
  method_->setObjectName("methodCombo");
  method_->addItem(tr("raw"), int(Method::Raw));
  method_->addItem(tr("rollout"), int(Method::Rollout));
  method_->addItem(tr("flow"), int(Method::Flow));
  method_->addItem(tr("value norms"), int(Method::ValueNorm));
  method_->addItem(tr("value-norm rollout"), int(Method::NormRollout));
  method_->addItem(tr("contributions (ALTI)"), int(Method::Contributions));
  method_->addItem(tr("ALTI, aggregated"), int(Method::Alti));
  method_->setToolTip(tr("raw: the layer's attention; rollout / flow: attention propagated through all layers (Abnar & Zuidema 2020); "
                         "value norms: \u2016\u03b1 f(x)\u2016, the attention weight times the length of what the attended token "
                         "writes through the head (Kobayashi et al. 2020); fused, the norm of what all heads write together; "
                         "value-norm rollout: the rollout of the layers' norm maps; contributions: each token's share in the "
                         "layer's output, residual and layer norm included (ALTI, Ferrando et al. 2022); ALTI, aggregated: "
                         "the input tokens' shares after the chosen layer"));
  start_ = new QSpinBox;
  start_->setObjectName("startLayerSpin");
  start_->setToolTip(tr("Rollout / flow: the first layer propagated through (0 = all layers, as Abnar & Zuidema; "
                        "a later start ignores the mixing of the first layers)"));
  discard_ = new QDoubleSpinBox;
  discard_->setObjectName("discardRatioSpin");
  discard_->setRange(0, 0.99);
  discard_->setSingleStep(0.05);
  discard_->setDecimals(2);
  discard_->setToolTip(tr("Rollout: before propagating, drop this fraction of each layer's lowest fused weights, never "
                          "the CLS column (vit-explain's discard_ratio; 0.9 is its usual setting)"));
  cmap_ = new QComboBox;
  cmap_->setObjectName("colorMapCombo");
  for (ColorMapId c : {ColorMapId::Viridis, ColorMapId::Magma, ColorMapId::Inferno, ColorMapId::Cividis, ColorMapId::Greys})
    cmap_->addItem(to_string(c), int(c));
  norm_ = new QComboBox;
  norm_->setObjectName("normalizationCombo");
  norm_->addItem(tr("row"), int(Normalization::Row));
  norm_->setToolTip(tr("Colour scale. row: each query's own weights; a matrix shows them as they are (0 to 1), the Image "
                       "view and the image Overview scale each map to its max. matrix max / global max: one scale for "
                       "the matrix / for every head. log: four decades below the max. clip 2% outliers (Captum): the top 2% of the mass "
                       "saturates, which changes nothing when one weight holds more; clip top 2% of values: the largest "
                       "2% of the weights saturate."));
  norm_->addItem(tr("matrix max"), int(Normalization::Matrix));
  norm_->addItem(tr("global max"), int(Normalization::Global));
  norm_->addItem(tr("log"), int(Normalization::Log));
  norm_->addItem(tr("clip 2% outliers"), int(Normalization::Percentile));
  norm_->addItem(tr("clip top 2% of values"), int(Normalization::ValuePercentile));
  hide_special_ = new QCheckBox(tr("Hide special tokens"));
  hide_special_->setObjectName("hideSpecialCheck");
  hide_special_->setToolTip(tr("Drop [CLS], [SEP], <s>, … and renormalise each row over the remaining tokens"));
  exclude_first_ = new QCheckBox(tr("Exclude first token"));
  exclude_first_->setObjectName("excludeFirstCheck");
  exclude_first_->setToolTip(tr("Treat the first token as an attention sink (StreamingLLM): drop it and renormalise each row over "
                                "the rest, so the structure under it shows; the Matrix view draws the share it took from each row "
                                "in a bar beside the cells"));
  segments_ = new QComboBox;
  segments_->setObjectName("segmentsCombo");
  segments_->addItem(tr("all pairs"), int(SegmentFilter::All));
  segments_->addItem(QString::fromUtf8("A \u2192 A"), int(SegmentFilter::AtoA));
  segments_->addItem(QString::fromUtf8("A \u2192 B"), int(SegmentFilter::AtoB));
  segments_->addItem(QString::fromUtf8("B \u2192 A"), int(SegmentFilter::BtoA));
  segments_->addItem(QString::fromUtf8("B \u2192 B"), int(SegmentFilter::BtoB));
  segments_->setToolTip(tr("Sentence pairs: show only queries of one segment attending to keys of one segment; the rest is greyed"));
  segments_label_ = new QLabel(tr("Se&gments"));
  segments_label_->setBuddy(segments_);
  units_ = new QComboBox;
  units_->setObjectName("unitsCombo");
  units_->addItem(tr("tokens"), int(Units::Tokens));
  units_->addItem(tr("words (mean)"), int(Units::WordsMean));
  units_->addItem(tr("words (max)"), int(Units::WordsMax));
  units_->setToolTip(tr("Merge sub-word pieces into words in the Matrix, Lines, Text and Overview views. mean: a word's row is the "
                        "mean of its pieces' rows and its column the sum of their columns (Clark et al. 2019), so rows still sum "
                        "to 1. max: the largest weight over the pieces, both ways."));
  units_label_ = new QLabel(tr("&Units"));
  units_label_->setBuddy(units_);
  stack_label_ = new QLabel(tr("S&tack"));
  stack_label_->setBuddy(stack_);
  l->addWidget(stack_label_);
  l->addWidget(stack_);
  label(tr("&Layer"), layer_);
  label(tr("&Head"), head_);
  label(tr("&Method"), method_);
  start_label_ = new QLabel(tr("f&rom layer"));
  start_label_->setBuddy(start_);
  l->addWidget(start_label_);
  l->addWidget(start_);
  discard_label_ = new QLabel(tr("&discard"));
  discard_label_->setBuddy(discard_);
  l->addWidget(discard_label_);
  l->addWidget(discard_);
  label(tr("&Colours"), cmap_);
  label(tr("&Scale"), norm_);
  l->addWidget(hide_special_);
  l->addWidget(exclude_first_);
  l->addWidget(segments_label_);
  l->addWidget(segments_);
  l->addWidget(units_label_);
  l->addWidget(units_);
  l->addStretch();

  connect(stack_, qOverload<int>(&QComboBox::activated), this, [this](int i) {
    ViewState s = document_->state();
    const int v = stack_->itemData(i).toInt();
    if (v == 2) s.view = ViewKind::Cross;
    else s.stack = v == 1 ? Stack::Decoder : Stack::Encoder;
    if (v != 2 && s.view == ViewKind::Cross) s.view = ViewKind::Matrix;
    document_->setState(s);
  });
  connect(layer_, qOverload<int>(&QSpinBox::valueChanged), this, [this](int v) {
    if (!syncing_) document_->setLayer(v);
  });
  connect(head_, qOverload<int>(&QComboBox::activated), this, [this](int i) {
    const int v = head_->itemData(i).toInt();
    if (v >= 0) document_->setHead(v);
    else if (v == kMean) document_->setHeadMode(HeadMode::Mean);
    else if (v == kMax) document_->setHeadMode(HeadMode::Max);
    else if (v == kMin) document_->setHeadMode(HeadMode::Min);
    else chooseSubset();
  });
  connect(method_, qOverload<int>(&QComboBox::activated), this, [this](int i) { document_->setMethod(Method(method_->itemData(i).toInt())); });
  connect(start_, qOverload<int>(&QSpinBox::valueChanged), this, [this](int v) {
    if (!syncing_) document_->setStartLayer(v);
  });
  connect(discard_, qOverload<double>(&QDoubleSpinBox::valueChanged), this, [this](double v) {
    if (!syncing_) document_->setDiscardRatio(v);
  });
  connect(cmap_, qOverload<int>(&QComboBox::activated), this, [this](int i) { document_->setColorMap(ColorMapId(cmap_->itemData(i).toInt())); });
  connect(norm_, qOverload<int>(&QComboBox::activated), this,
          [this](int i) { document_->setNormalization(Normalization(norm_->itemData(i).toInt())); });
  connect(hide_special_, &QCheckBox::toggled, this, [this](bool on) {
    if (!syncing_) document_->setHideSpecial(on);
  });
  connect(exclude_first_, &QCheckBox::toggled, this, [this](bool on) {
    if (syncing_) return;
    ViewState s = document_->state();
    s.exclude_first = on;
    document_->setState(s);
  });
  connect(segments_, qOverload<int>(&QComboBox::activated), this, [this](int i) {
    ViewState s = document_->state();
    s.segments = SegmentFilter(segments_->itemData(i).toInt());
    document_->setState(s);
  });
  connect(units_, qOverload<int>(&QComboBox::activated), this, [this](int i) {
    ViewState s = document_->state();
    s.units = Units(units_->itemData(i).toInt());
    document_->setState(s);
  });
  connect(document_, &AnalysisDocument::stateChanged, this, &ControlsBar::syncFromDocument);
  connect(document_, &AnalysisDocument::analyzerChanged, this, &ControlsBar::rebuildHeadChoices);
  connect(document_, &AnalysisDocument::analysisChanged, this, &ControlsBar::rebuildHeadChoices);
  rebuildHeadChoices();
}

void ControlsBar::rebuildHeadChoices() {
  syncing_ = true;
  head_->clear();
  const bool grouped = document_->analyzer() && document_->analyzer()->info().num_kv_heads > 0 &&
                       document_->analyzer()->info().num_kv_heads < document_->analyzer()->info().num_heads;
  for (int h = 0; h < document_->numHeads(); ++h)
    head_->addItem(grouped ? tr("head %1 (kv %2)").arg(h).arg(document_->analyzer()->info().kv_head(h)) : tr("head %1").arg(h), h);
  head_->addItem(tr("mean of heads"), kMean);
  head_->addItem(tr("max of heads"), kMax);
  head_->addItem(tr("min of heads"), kMin);
  head_->addItem(tr("subset…"), kSubset);
  layer_->setRange(0, std::max(0, document_->numLayers() - 1));
  start_->setRange(0, std::max(0, document_->numLayers() - 1));
  syncing_ = false;
  syncFromDocument();
}

void ControlsBar::syncFromDocument() {
  syncing_ = true;
  const ViewState& s = document_->state();
  layer_->setValue(s.layer);
  int want = s.head;
  if (s.head_mode == HeadMode::Mean) want = kMean;
  else if (s.head_mode == HeadMode::Max) want = kMax;
  else if (s.head_mode == HeadMode::Min) want = kMin;
  else if (s.head_mode == HeadMode::Subset) want = kSubset;
  // Rollout and flow fuse the heads of every layer: a single head shows as the mean they use.
  const bool aggregate = !per_layer(s.method);
  if (aggregate && s.head_mode == HeadMode::Single) want = kMean;
  if (auto* model = qobject_cast<QStandardItemModel*>(head_->model()))
    for (int i = 0; i < head_->count(); ++i)
      if (head_->itemData(i).toInt() >= 0) model->item(i)->setEnabled(!aggregate);
  // The subset entry names the chosen heads once there are some ("mean of H0,2,5"), not "subset…".
  QStringList chosen;
  for (int h : s.subset) chosen << QString::number(h);
  head_->setItemText(head_->findData(kSubset), s.head_mode == HeadMode::Subset && !chosen.isEmpty()
                                                   ? tr("mean of H%1").arg(chosen.join(","))
                                                   : tr("subset…"));
  head_->setCurrentIndex(head_->findData(want));
  head_->setToolTip(aggregate ? tr("%1 fuses the heads of every layer: mean (as the paper), max, min or a subset")
                                    .arg(display_name(s.method))
                              : tr("Head (←/→ in a view), or a fusion of heads"));
  start_->setValue(s.start_layer);
  discard_->setValue(s.discard_ratio);
  method_->setCurrentIndex(method_->findData(int(s.method)));
  cmap_->setCurrentIndex(cmap_->findData(int(s.color_map)));
  norm_->setCurrentIndex(norm_->findData(int(s.normalization)));
  hide_special_->setChecked(s.hide_special);
  const bool pair = document_->hasAnalysis() && !document_->analysis()->text_pair.empty();
  segments_label_->setVisible(pair);
  segments_->setVisible(pair);
  segments_->setCurrentIndex(segments_->findData(int(s.segments)));
  const bool text = document_->hasAnalysis() && document_->analysis()->model.modality == Modality::Text;
  units_label_->setVisible(text);
  units_->setVisible(text);
  exclude_first_->setVisible(text);
  exclude_first_->setChecked(s.exclude_first);
  units_->setCurrentIndex(units_->findData(int(s.units)));
  const bool seq2seq = document_->analyzer() && document_->analyzer()->info().encoder_decoder;
  stack_label_->setVisible(seq2seq);
  stack_->setVisible(seq2seq);
  stack_->setCurrentIndex(s.view == ViewKind::Cross ? 2 : s.stack == Stack::Decoder ? 1 : 0);
  const bool enabled = document_->hasAnalysis();
  for (QWidget* w : std::initializer_list<QWidget*>{layer_, head_, method_})
    w->setEnabled(enabled);
  // Contributions and the norm rollout have one map per layer, made from every head.
  head_->setEnabled(enabled && (per_head(s.method) || s.method == Method::Rollout || s.method == Method::Flow));
  layer_->setEnabled(enabled && per_layer(s.method));
  start_label_->setVisible(!per_layer(s.method));
  start_->setVisible(!per_layer(s.method));
  discard_label_->setVisible(s.method == Method::Rollout);
  discard_->setVisible(s.method == Method::Rollout);
  syncing_ = false;
}

void ControlsBar::chooseSubset() {
  QStringList current;
  for (int h : document_->state().subset) current << QString::number(h);
  bool ok = false;
  const QString text = QInputDialog::getText(this, tr("Mean of a subset of heads"), tr("Heads (e.g. 0,2,5):"), QLineEdit::Normal,
                                             current.join(","), &ok);
  if (!ok) {
    syncFromDocument();
    return;
  }
  QList<int> heads;
  for (const QString& part : text.split(',', Qt::SkipEmptyParts)) {
    bool num = false;
    const int h = part.trimmed().toInt(&num);
    if (num) heads << h;
  }
  document_->setSubset(heads);
}

}  // namespace attnscope::ui
