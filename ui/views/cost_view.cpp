#include "ui/views/cost_view.h"

#include <QHBoxLayout>
#include <QKeySequence>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "ui/document/analysis_document.h"
#include "ui/figures/cost_figure.h"
#include "ui/views/lazy_refresh.h"
#include "ui/views/renderer_view.h"

namespace attnscope::ui {

CostView::CostView(AnalysisDocument* document, QWidget* parent) : QWidget(parent), document_(document), canvas_(new RendererView) {
  auto* outer = new QVBoxLayout(this);
  outer->setContentsMargins(6, 4, 6, 4);
  auto* controls = new QHBoxLayout;
  measure_ = new QPushButton(tr("Measure at increasing lengths"));
  measure_->setObjectName("measureCost");
  measure_->setShortcut(QKeySequence(tr("Ctrl+M")));
  measure_->setToolTip(tr("Runs the model on generated inputs of 8, 16, 32, … tokens (3 runs each, median); Esc cancels (Ctrl+M)"));
  max_length_ = new QSpinBox;
  max_length_->setRange(8, 1 << 16);
  max_length_->setPrefix(tr("up to "));
  max_length_->setSuffix(tr(" tokens"));
  controls->addWidget(measure_);
  controls->addWidget(max_length_);
  controls->addStretch();
  outer->addLayout(controls);
  canvas_->setObjectName("costFigure");
  canvas_->setTips([this](const QRectF& area, const QPointF& pos) { return renderer() ? renderer()->tipAt(area, pos) : QString(); });
  outer->addWidget(canvas_, 1);
  connect(measure_, &QPushButton::clicked, this, [this] { emit measureRequested(max_length_->value()); });
  auto* lazy = new LazyRefresh(this, [this] { refresh(); });
  for (auto signal : {&AnalysisDocument::analysisChanged, &AnalysisDocument::analyzerChanged, &AnalysisDocument::costSweepChanged})
    connect(document_, signal, lazy, &LazyRefresh::request);
  refresh();
}

const ChartsRenderer* CostView::renderer() const { return static_cast<const ChartsRenderer*>(canvas_->renderer()); }

void CostView::refresh() {
  const auto& analyzer = document_->analyzer();
  measure_->setEnabled(analyzer != nullptr);
  if (analyzer) {
    const int limit = cost_length_limit(analyzer->info());
    if (max_length_->maximum() != limit) {
      max_length_->setMaximum(limit);
      max_length_->setValue(std::min(limit, 512));
    }
  }
  auto r = cost_figure(*document_);
  r->title.clear();
  canvas_->setRenderer(std::move(r));
}

}  // namespace attnscope::ui
