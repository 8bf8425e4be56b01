#include "ui/views/compare_view.h"

#include <algorithm>

#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QHelpEvent>
#include <QLabel>
#include <QMouseEvent>
#include <QPushButton>
#include <QSplitter>
#include <QToolTip>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "ui/document/analysis_document.h"
#include "ui/figures/compare_figure.h"
#include "ui/render/compare_renderer.h"
#include "ui/views/renderer_view.h"

namespace attnscope::ui {


CompareView::CompareView(AnalysisDocument* document, QWidget* parent) : QWidget(parent), document_(document) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  auto* top = new QHBoxLayout;
  summary_ = new QLabel;
  summary_->setObjectName("compareSummary");
  summary_->setWordWrap(true);
  keep_ = new QPushButton(tr("Keep as reference"));
  keep_->setObjectName("keepReference");
  keep_->setToolTip(tr("Keep the current result as A; then run another input, or the same input on another model, as B (Ctrl+Shift+K)"));
  clear_ = new QPushButton(tr("Clear reference"));
  clear_->setObjectName("clearReference");
  top->addWidget(summary_, 1);
  top->addWidget(keep_);
  top->addWidget(clear_);
  layout->addLayout(top);
  auto* split = new QSplitter(Qt::Horizontal);
  heads_ = new QTreeWidget;
  heads_->setObjectName("compareHeads");
  heads_->setHeaderLabels({tr("Head"), tr("JS divergence")});
  heads_->setRootIsDecorated(false);
  heads_->setSortingEnabled(true);
  heads_->setToolTip(tr("Heads by the mean Jensen–Shannon divergence (bits) of their aligned rows; click one to show it in both"));
  figure_ = new RendererView;
  figure_->setObjectName("compareFigure");
  figure_->setMouseTracking(true);
  figure_->installEventFilter(this);
  split->addWidget(heads_);
  split->addWidget(figure_);
  split->setStretchFactor(1, 1);
  split->setSizes({200, 1000});
  layout->addWidget(split, 1);

  connect(keep_, &QPushButton::clicked, this, &CompareView::keepRequested);
  connect(clear_, &QPushButton::clicked, this, &CompareView::clearRequested);
  connect(heads_, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem* item) {
    openHead(item->data(0, Qt::UserRole).toInt(), item->data(0, Qt::UserRole + 1).toInt());
  });
  const auto changed = [this](bool list) {
    stale_ = true;
    list_stale_ = list_stale_ || list;
    if (isVisible()) rebuild();
  };
  connect(document_, &AnalysisDocument::comparisonChanged, this, [changed] { changed(true); });
  connect(document_, &AnalysisDocument::referenceChanged, this, [changed] { changed(true); });
  connect(document_, &AnalysisDocument::analysisChanged, this, [changed] { changed(true); });
  connect(document_, &AnalysisDocument::stateChanged, this, [changed] { changed(false); });
}

void CompareView::openHead(int layer, int head) {
  document_->setLayer(layer);
  document_->setHead(head);
}


void CompareView::fillList() {
  list_stale_ = false;
  heads_->clear();
  const auto c = document_->comparison();
  if (!c) return;
  heads_->setSortingEnabled(false);
  for (size_t li = 0; li < c->layers.size(); ++li)
    for (int h = 0; h < c->num_heads; ++h) {
      auto* item = new QTreeWidgetItem;
      item->setText(0, QString("L%1 H%2").arg(c->layers[li]).arg(h));
      const double v = c->divergence.data[li * size_t(c->num_heads) + size_t(h)];
      item->setData(1, Qt::DisplayRole, QString::number(v, 'f', 4));
      item->setData(1, Qt::UserRole, v);
      item->setData(0, Qt::UserRole, c->layers[li]);
      item->setData(0, Qt::UserRole + 1, h);
      heads_->addTopLevelItem(item);
    }
  heads_->setSortingEnabled(true);
  heads_->sortByColumn(1, Qt::DescendingOrder);
}

void CompareView::rebuild() {
  stale_ = false;
  if (list_stale_) fillList();
  const auto& ref = document_->reference();
  keep_->setEnabled(document_->hasAnalysis() && document_->analysis() != ref);
  clear_->setEnabled(ref != nullptr);
  if (!ref) summary_->setText(tr("No reference yet: Keep as reference stores the current result as A."));
  else
    summary_->setText(tr("A = reference (%1, %2 tokens); B = the current result. Same colour scale for both; A − B in red (A higher) and blue (B higher).")
                          .arg(document_->referenceModel())
                          .arg(ref->encoding.tokens.size()));
  figure_->setRenderer(compare_figure(*document_, document_->state()));
}

void CompareView::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  if (stale_) rebuild();
}

bool CompareView::eventFilter(QObject* watched, QEvent* event) {
  if (watched != figure_) return false;
  const auto* r = dynamic_cast<const CompareRenderer*>(figure_->renderer());
  if (!r) return false;
  if (event->type() == QEvent::MouseButtonRelease) {
    const auto* me = static_cast<QMouseEvent*>(event);
    int row = 0, head = 0;
    const auto c = document_->comparison();
    if (c && r->gridCellAt(figure_->rect(), figure_->toFigure(me->position()), &row, &head)) {
      openHead(c->layers[size_t(row)], head);
      return true;
    }
    return false;
  }
  if (event->type() == QEvent::ToolTip) {
    const auto* he = static_cast<QHelpEvent*>(event);
    const QPointF pos = figure_->toFigure(he->pos());
    int row = 0, head = 0, which = 0, q = 0, k = 0;
    QString tip;
    if (r->gridCellAt(figure_->rect(), pos, &row, &head))
      tip = tr("%1 H%2: mean JS divergence %3 bits (click to show)").arg(r->layer_labels.value(row)).arg(head).arg(r->divergence(row, head), 0, 'g', 4);
    else if (r->matrixCellAt(figure_->rect(), pos, &which, &q, &k))
      tip = tr("“%1” → “%2”\nA %3 · B %4 · A − B %5")
                .arg(r->tokens[q], r->tokens[k])
                .arg(r->a(q, k), 0, 'g', 4)
                .arg(r->b(q, k), 0, 'g', 4)
                .arg(r->diff(q, k), 0, 'g', 4);
    if (tip.isEmpty()) QToolTip::hideText();
    else QToolTip::showText(he->globalPos(), tip, figure_);
    return true;
  }
  return false;
}

}  // namespace attnscope::ui
