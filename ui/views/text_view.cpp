#include "ui/views/text_view.h"

#include <cmath>

#include <QHelpEvent>
#include <QMouseEvent>
#include <QScrollBar>
#include <QToolTip>

#include "ui/document/analysis_document.h"
#include "ui/document/map_builder.h"
#include "ui/figures/text_figure.h"
#include "ui/render/text_renderer.h"
#include "ui/views/lazy_refresh.h"
#include "ui/views/renderer_view.h"
#include "ui/views/token_search.h"

namespace attnscope::ui {

TextView::TextView(AnalysisDocument* document, QWidget* parent) : QScrollArea(parent), document_(document), canvas_(new RendererView) {
  setWidget(canvas_);
  setWidgetResizable(false);
  setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOn);  // a scroll bar that comes and goes would reflow the text under it
  setBackgroundRole(QPalette::Base);
  canvas_->installEventFilter(this);
  // The query found is scrolled into sight by the rebuild that follows.
  search_ = new TokenSearch(document_, this, [this]() -> const DisplayMap& {
    search_map_ = build_display_map(*document_);
    return search_map_;
  });
  auto* lazy = new LazyRefresh(this, [this] { rebuild(); });
  connect(document_, &AnalysisDocument::analysisChanged, lazy, &LazyRefresh::request);
  connect(document_, &AnalysisDocument::selectionEdited, lazy, [lazy](SelectionParts parts) {
    if (parts & (SelectionPart::Layer | SelectionPart::Heads | SelectionPart::Method | SelectionPart::Colors | SelectionPart::Scale | SelectionPart::Query)) lazy->request();
  });
  rebuild();
}

int TextView::findToken(const QString& text, bool next) { return search_->find(text, next); }

const TextRenderer* TextView::renderer() const { return static_cast<const TextRenderer*>(canvas_->renderer()); }

QRectF TextView::queryRect() const {
  const TextRenderer* r = renderer();
  return r ? r->tokenRect(canvas_->rect(), r->query) : QRectF();
}

void TextView::rebuild() {
  canvas_->setRenderer(text_figure(*document_, document_->state()));
  scroll_to_query_ = true;
  fitCanvas();
}

void TextView::fitCanvas() {
  const int width = viewport()->width();
  const TextRenderer* r = renderer();
  const int height = r ? static_cast<int>(std::ceil(r->heightForWidth(width))) : viewport()->height();
  canvas_->resize(width, std::max(height, viewport()->height()));
  verticalScrollBar()->setRange(0, canvas_->height() - viewport()->height());  // now, not when the scroll area hears of it
  if (!scroll_to_query_ || !isVisible()) return;  // hidden, the viewport's size is not yet the real one
  scroll_to_query_ = false;
  const QRectF q = queryRect();
  if (!q.isEmpty()) ensureVisible(static_cast<int>(q.center().x()), static_cast<int>(q.center().y()), 40, static_cast<int>(q.height() * 2));
}

void TextView::showEvent(QShowEvent* event) {
  QScrollArea::showEvent(event);
  fitCanvas();
}

void TextView::resizeEvent(QResizeEvent* event) {
  QScrollArea::resizeEvent(event);
  fitCanvas();
}

bool TextView::eventFilter(QObject* watched, QEvent* event) {
  if (watched != canvas_) return false;
  const TextRenderer* r = renderer();
  if (!r) return false;
  if (event->type() == QEvent::ToolTip) {
    auto* help = static_cast<QHelpEvent*>(event);
    const int token = r->tokenAt(canvas_->rect(), help->pos());
    if (token < 0) {
      QToolTip::hideText();
      return true;
    }
    const auto word = r->mergedWord(token);
    QString tip = word ? tr("word \u201c%1\u201d (tokens %2\u2013%3)").arg(word->second).arg(token).arg(word->first) : document_->tokenTip(token);
    if (r->isMasked(token)) tip += "\n" + tr("masked: token %1 cannot attend to it").arg(r->query);
    else if (const double w = r->weightOf(token); !std::isnan(w)) tip += "\n" + tr("weight from token %1: %2").arg(r->query).arg(w, 0, 'g', 4);
    QToolTip::showText(help->globalPos(), tip, canvas_);
    return true;
  }
  if (event->type() == QEvent::MouseButtonPress) {
    const int token = r->tokenAt(canvas_->rect(), static_cast<QMouseEvent*>(event)->position());
    if (token >= 0) document_->setQuery(token);
    return true;
  }
  return false;
}

}  // namespace attnscope::ui
