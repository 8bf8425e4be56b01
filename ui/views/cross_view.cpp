#include "ui/views/cross_view.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHelpEvent>
#include <QLabel>
#include <QMouseEvent>
#include <QToolTip>
#include <QVBoxLayout>

#include "ui/document/analysis_document.h"
#include "ui/figures/cross_figure.h"
#include "ui/views/lazy_refresh.h"
#include "ui/render/cross_renderer.h"
#include "ui/views/renderer_view.h"

namespace attnscope::ui {

CrossView::CrossView(AnalysisDocument* document, QWidget* parent) : QWidget(parent), document_(document), canvas_(new RendererView) {
  auto* l = new QVBoxLayout(this);
  l->setContentsMargins(0, 0, 0, 0);
  auto* bar = new QHBoxLayout;
  mode_ = new QComboBox;
  mode_->setObjectName("crossMode");
  mode_->addItem(tr("Matrix"), int(CrossMode::Matrix));
  mode_->addItem(tr("Lines"), int(CrossMode::Lines));
  mode_->setToolTip(tr("Target × source matrix, or lines from each target token to the source tokens"));
  argmax_ = new QCheckBox(tr("Hard alignment"));
  argmax_->setObjectName("crossArgmax");
  argmax_->setToolTip(tr("Mark the source token with the largest weight in every target row (the argmax path)"));
  auto* hint = new QLabel(tr("Click a target (row) or a source (column) token; click it again to clear."));
  hint->setEnabled(false);
  bar->addWidget(mode_);
  bar->addWidget(argmax_);
  bar->addWidget(hint);
  bar->addStretch();
  l->addLayout(bar);
  l->addWidget(canvas_, 1);
  canvas_->setMouseTracking(true);
  canvas_->installEventFilter(this);
  auto edit = [this](auto&& change) {
    if (syncing_) return;
    ViewState s = document_->state();
    change(s);
    document_->setState(s);
  };
  connect(mode_, qOverload<int>(&QComboBox::currentIndexChanged), this,
          [this, edit](int) { edit([this](ViewState& s) { s.cross_mode = CrossMode(mode_->currentData().toInt()); }); });
  connect(argmax_, &QCheckBox::toggled, this, [edit](bool on) { edit([on](ViewState& s) { s.cross_argmax = on; }); });
  auto* lazy = new LazyRefresh(this, [this] { rebuild(); });
  connect(document_, &AnalysisDocument::analysisChanged, lazy, &LazyRefresh::request);
  connect(document_, &AnalysisDocument::selectionEdited, lazy, [lazy](SelectionParts parts) {
    if (parts & (SelectionPart::Layer | SelectionPart::Heads | SelectionPart::Method | SelectionPart::Colors | SelectionPart::Scale | SelectionPart::CrossOptions)) lazy->request();
  });
  rebuild();
}

const CrossAttentionRenderer* CrossView::renderer() const { return static_cast<const CrossAttentionRenderer*>(canvas_->renderer()); }

void CrossView::rebuild() {
  const ViewState& s = document_->state();
  syncing_ = true;
  mode_->setCurrentIndex(mode_->findData(int(s.cross_mode)));
  argmax_->setChecked(s.cross_argmax);
  syncing_ = false;
  canvas_->setRenderer(cross_figure(*document_, s));
}

bool CrossView::eventFilter(QObject* watched, QEvent* event) {
  if (watched != canvas_ || !renderer()) return false;
  const CrossAttentionRenderer* r = renderer();
  if (event->type() == QEvent::ToolTip) {
    auto* help = static_cast<QHelpEvent*>(event);
    const auto hit = r->hitTest(canvas_->rect(), help->pos());
    QString tip;
    if (hit.target >= 0 && hit.source >= 0) {
      const Eigen::Index t = hit.target, src = hit.source;
      Eigen::Index best = 0;
      r->weights.row(t).maxCoeff(&best);
      tip = tr("target %1 “%2” → source %3 “%4”: %5\nrow max %6 at “%7”%8")
                .arg(t)
                .arg(r->targets[hit.target])
                .arg(src)
                .arg(r->sources[hit.source])
                .arg(r->weights(t, src), 0, 'f', 4)
                .arg(r->weights(t, best), 0, 'f', 4)
                .arg(r->sources[static_cast<int>(best)])
                .arg(best == src ? tr(" (the hard alignment)") : QString());
    } else if (hit.target >= 0) {
      Eigen::Index best = 0;
      r->weights.row(hit.target).maxCoeff(&best);
      tip = tr("target %1 “%2”: attends most to “%3” (%4)")
                .arg(hit.target)
                .arg(r->targets[hit.target])
                .arg(r->sources[static_cast<int>(best)])
                .arg(r->weights(hit.target, best), 0, 'f', 4);
    } else if (hit.source >= 0) {
      tip = tr("source %1 “%2”: receives %3 in all (sum over the %4 targets)")
                .arg(hit.source)
                .arg(r->sources[hit.source])
                .arg(r->weights.col(hit.source).sum(), 0, 'f', 3)
                .arg(r->targets.size());
    }
    if (tip.isEmpty()) QToolTip::hideText();
    else QToolTip::showText(help->globalPos(), tip, canvas_);
    return true;
  }
  if (event->type() == QEvent::MouseButtonPress) {
    const auto hit = r->hitTest(canvas_->rect(), static_cast<QMouseEvent*>(event)->position());
    if (hit.target < 0 && hit.source < 0) return false;
    ViewState s = document_->state();
    if (hit.target >= 0 && hit.source >= 0) {  // a cell: both
      s.cross_target = hit.target;
      s.cross_source = -1;
    } else if (hit.target >= 0) {
      s.cross_target = s.cross_target == hit.target ? -1 : hit.target;
      s.cross_source = -1;
    } else {
      s.cross_source = s.cross_source == hit.source ? -1 : hit.source;
      s.cross_target = -1;
    }
    document_->setState(s);
    return true;
  }
  return false;
}

}  // namespace attnscope::ui
