#include "ui/views/text_view.h"

#include <cmath>

#include <QHelpEvent>
#include <QMouseEvent>
#include <QToolTip>

#include "ui/document/analysis_document.h"
#include "ui/figures/text_figure.h"
#include "ui/views/lazy_refresh.h"
#include "ui/render/text_renderer.h"

namespace attnscope::ui {

TextView::TextView(AnalysisDocument* document, QWidget* parent) : RendererView(parent), document_(document) {
  auto refresh = [this] { setRenderer(text_figure(*document_, document_->state())); };
  auto* lazy = new LazyRefresh(this, refresh);
  connect(document_, &AnalysisDocument::analysisChanged, lazy, &LazyRefresh::request);
  connect(document_, &AnalysisDocument::selectionEdited, lazy, [lazy](SelectionParts parts) {
    if (parts & (SelectionPart::Layer | SelectionPart::Heads | SelectionPart::Method | SelectionPart::Colors | SelectionPart::Scale | SelectionPart::Query)) lazy->request();
  });
  refresh();
}

bool TextView::event(QEvent* event) {
  if (event->type() != QEvent::ToolTip) return RendererView::event(event);
  auto* help = static_cast<QHelpEvent*>(event);
  const auto* r = static_cast<const TextRenderer*>(renderer());
  const int token = r ? r->tokenAt(rect(), help->pos()) : -1;
  if (token >= 0) {
    const double w = r->weightOf(token);
    QString tip = document_->tokenTip(token);
    if (!std::isnan(w)) tip += "\n" + tr("weight from token %1: %2").arg(r->query).arg(w, 0, 'g', 4);
    QToolTip::showText(help->globalPos(), tip, this);
  }
  else QToolTip::hideText();
  return true;
}

void TextView::mousePressEvent(QMouseEvent* event) {
  const auto* r = static_cast<const TextRenderer*>(renderer());
  if (!r) return;
  const int token = r->tokenAt(rect(), event->position());
  if (token >= 0) document_->setQuery(token);
}

}  // namespace attnscope::ui
