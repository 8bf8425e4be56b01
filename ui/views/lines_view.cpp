#include "ui/views/lines_view.h"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QToolTip>

#include "ui/document/analysis_document.h"
#include "ui/figures/lines_figure.h"
#include "ui/views/lazy_refresh.h"
#include "ui/render/lines_renderer.h"
#include "ui/views/renderer_view.h"

namespace attnscope::ui {

LinesView::LinesView(AnalysisDocument* document, QWidget* parent) : QScrollArea(parent), document_(document), canvas_(new RendererView) {
  setWidget(canvas_);
  setWidgetResizable(false);
  setBackgroundRole(QPalette::Base);
  canvas_->setMouseTracking(true);
  canvas_->installEventFilter(this);
  auto* lazy = new LazyRefresh(this, [this] { rebuild(); });
  connect(document_, &AnalysisDocument::analysisChanged, lazy, &LazyRefresh::request);
  connect(document_, &AnalysisDocument::selectionEdited, lazy, [lazy](SelectionParts parts) {
    if (parts & (SelectionPart::Layer | SelectionPart::Heads | SelectionPart::Method | SelectionPart::Colors | SelectionPart::Scale)) lazy->request();
  });
  rebuild();
}

const LinesRenderer* LinesView::renderer() const { return static_cast<const LinesRenderer*>(canvas_->renderer()); }

void LinesView::rebuild() {
  auto r = lines_figure(*document_, document_->state());
  const QSizeF size = r->naturalSize();
  canvas_->resize(std::max(static_cast<int>(size.width()), viewport()->width()), static_cast<int>(size.height()));
  canvas_->setRenderer(std::move(r));
}

bool LinesView::eventFilter(QObject* watched, QEvent* event) {
  if (watched != canvas_) return false;
  auto* r = const_cast<LinesRenderer*>(renderer());
  if (!r) return false;
  if (event->type() == QEvent::MouseMove) {
    const auto [side, index] = r->tokenAt(canvas_->rect(), static_cast<QMouseEvent*>(event)->position());
    if (side != r->hover_side || index != r->hover_index) {
      r->hover_side = side;
      r->hover_index = index;
      canvas_->update();
    }
  } else if (event->type() == QEvent::ToolTip) {
    auto* help = static_cast<QHelpEvent*>(event);
    const auto [side, index] = r->tokenAt(canvas_->rect(), help->pos());
    const auto& tokens = side == 0 ? r->row_tokens : r->col_tokens;
    if (index >= 0 && index < static_cast<int>(tokens.size())) QToolTip::showText(help->globalPos(), document_->tokenTip(tokens[static_cast<size_t>(index)]), canvas_);
    else QToolTip::hideText();
    return true;
  } else if (event->type() == QEvent::Leave) {
    r->hover_side = r->hover_index = -1;
    canvas_->update();
  } else if (event->type() == QEvent::MouseButtonPress) {
    const auto [side, index] = r->tokenAt(canvas_->rect(), static_cast<QMouseEvent*>(event)->position());
    if (side == 0 && index >= 0 && index < static_cast<int>(r->row_tokens.size())) document_->setQuery(r->row_tokens[static_cast<size_t>(index)]);
  }
  return false;
}

}  // namespace attnscope::ui
