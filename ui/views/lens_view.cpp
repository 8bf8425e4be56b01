#include "ui/views/lens_view.h"

#include <QMouseEvent>

#include "ui/document/analysis_document.h"
#include "ui/figures/lens_figure.h"
#include "ui/views/lazy_refresh.h"
#include "ui/views/renderer_view.h"

namespace attnscope::ui {

LensView::LensView(AnalysisDocument* document, QWidget* parent) : QScrollArea(parent), document_(document), canvas_(new RendererView) {
  canvas_->setObjectName("lensFigure");
  canvas_->setTips([this](const QRectF& area, const QPointF& pos) { return renderer() ? renderer()->tipAt(area, pos) : QString(); });
  canvas_->installEventFilter(this);
  setWidget(canvas_);
  setWidgetResizable(true);
  auto* lazy = new LazyRefresh(this, [this] { refresh(); });
  connect(document_, &AnalysisDocument::analysisChanged, lazy, &LazyRefresh::request);
  connect(document_, &AnalysisDocument::derivedChanged, lazy, [lazy](Derived d) {
    if (d == Derived::Lens) lazy->request();
  });
  connect(document_, &AnalysisDocument::selectionEdited, lazy, [lazy](SelectionParts parts) {
    if (parts & (SelectionPart::Colors | SelectionPart::Query | SelectionPart::View)) lazy->request();
  });
  refresh();
}

const LensRenderer* LensView::renderer() const { return static_cast<const LensRenderer*>(canvas_->renderer()); }

void LensView::refresh() {
  auto r = lens_figure(*document_, document_->state());
  r->title.clear();
  // Cells keep a readable size: a long input scrolls instead of shrinking them to slivers.
  const QSizeF natural = r->naturalSize();
  canvas_->setMinimumSize(r->cells.empty() ? QSize(0, 0) : natural.toSize() * 3 / 4);
  canvas_->setRenderer(std::move(r));
}

bool LensView::eventFilter(QObject* watched, QEvent* event) {
  if (watched == canvas_ && event->type() == QEvent::MouseButtonRelease && renderer()) {
    const auto* e = static_cast<QMouseEvent*>(event);
    if (const auto at = renderer()->cellAt(canvas_->rect(), canvas_->toFigure(e->position()))) document_->setQuery(at->second);
  }
  return QScrollArea::eventFilter(watched, event);
}

}  // namespace attnscope::ui
