#include "ui/views/heads_view.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolTip>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include "ui/document/analysis_document.h"
#include "ui/render/axis_labels.h"
#include "ui/render/heads_plot.h"

namespace attnscope::ui {

HeadsView::HeadsView(AnalysisDocument* document, QWidget* parent)
    : QWidget(parent), document_(document), statistic_(new QComboBox), note_(new QLabel), plot_(new QCustomPlot) {
  auto* l = new QVBoxLayout(this);
  l->setContentsMargins(0, 0, 0, 0);
  auto* top = new QHBoxLayout;
  top->addWidget(new QLabel(tr("Statistic:")));
  statistic_->setObjectName("statisticCombo");
  top->addWidget(statistic_);
  top->addWidget(note_, 1);
  l->addLayout(top);
  l->addWidget(plot_, 1);
  plot_->setFocusPolicy(Qt::NoFocus);
  connect(statistic_, qOverload<int>(&QComboBox::activated), this, [this](int i) {
    ViewState s = document_->state();
    s.statistic = statistic_->itemData(i).toString();
    document_->setState(s);
    if (s.statistic == "induction" && !document_->hasInduction()) emit inductionRequested();
  });
  plot_->setMouseTracking(true);
  connect(plot_, &QCustomPlot::mouseMove, this, [this](QMouseEvent* e) {
    // The number under the cursor, with its unit.
    const AttentionMaps* att = document_->hasAnalysis() ? &document_->analysis()->forward.attentions : nullptr;
    if (!att) return;
    const auto [layer, head] = HeadsPlot::cellAt(plot_, att->layers, att->num_heads, e->position());
    if (layer < 0) return QToolTip::hideText();
    const QString stat = statistic_->currentData().toString();
    for (const HeadStats& hs : document_->headStats())
      if (hs.layer == layer && hs.head == head) {
        QToolTip::showText(e->globalPosition().toPoint(),
                           tr("L%1 H%2 · %3: %4").arg(layer).arg(head).arg(statistic_->currentText()).arg(head_statistic(hs, stat), 0, 'g', 4),
                           plot_);
        return;
      }
  });
  connect(plot_, &QCustomPlot::mousePress, this, [this](QMouseEvent* e) {
    const AttentionMaps* att = document_->hasAnalysis() ? &document_->analysis()->forward.attentions : nullptr;
    if (!att) return;
    const auto [layer, head] = HeadsPlot::cellAt(plot_, att->layers, att->num_heads, e->position());
    if (layer < 0) return;
    ViewState s = document_->state();
    s.layer = layer;
    s.head = head;
    s.head_mode = HeadMode::Single;
    s.method = Method::Raw;
    document_->setState(s);
  });
  connect(document_, &AnalysisDocument::analysisChanged, this, &HeadsView::refresh);
  connect(document_, &AnalysisDocument::stateChanged, this, &HeadsView::refresh);
  refresh();
}

void HeadsView::refresh() {
  const bool causal = document_->hasAnalysis() && document_->analysis()->model.causal;
  const bool image = document_->hasAnalysis() && document_->analysis()->model.modality == Modality::Image;
  const QStringList names = head_statistic_names(causal, image);
  QStringList shown;
  for (int i = 0; i < statistic_->count(); ++i) shown << statistic_->itemText(i);
  QStringList titles;
  for (const QString& n : names) titles << head_statistic_title(n, image);
  if (shown != titles) {
    const QSignalBlocker block(statistic_);
    statistic_->clear();
    for (const QString& n : names) statistic_->addItem(head_statistic_title(n, image), n);
  }
  const ViewState& s = document_->state();
  statistic_->setCurrentIndex(std::max(0, statistic_->findData(s.statistic)));
  if (!document_->hasAnalysis()) {
    plot_->clearPlottables();
    plot_->replot();
    return;
  }
  const QString stat = statistic_->currentData().toString();
  note_->setText(stat == "induction" && !document_->hasInduction()
                     ? tr("Induction scores need extra runs on a repeated random sequence; computing…")
                     : QString());
  const AttentionMaps& att = document_->analysis()->forward.attentions;
  const bool single = s.method == Method::Raw && s.head_mode == HeadMode::Single;
  const ModelInfo& model = document_->analysis()->model;
  QStringList layer_labels, head_labels;
  for (int l : att.layers) layer_labels << layer_label(model, l);
  for (int h = 0; h < att.num_heads; ++h) head_labels << head_label(model, h);
  HeadsPlot::setup(plot_, document_->headStats(), att.layers, att.num_heads, stat, ColorMap(s.color_map), single ? s.layer : -1,
                   single ? s.head : -1, QString(), layer_labels, head_labels, image);
  plot_->replot();
}

}  // namespace attnscope::ui
