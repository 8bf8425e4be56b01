#include "ui/views/matrix_view.h"

#include "ui/views/token_search.h"

#include <cmath>

#include <QActionGroup>
#include <QContextMenuEvent>
#include <QMenu>
#include <QGuiApplication>
#include <QClipboard>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>

#include "ui/document/analysis_document.h"
#include "ui/export/map_tsv.h"
#include "ui/render/axis_labels.h"
#include "ui/document/map_builder.h"
#include "ui/views/lazy_refresh.h"
#include "ui/views/patch_locator.h"

namespace attnscope::ui {

namespace {
const DisplayMap kNoMap;
}

MatrixView::MatrixView(AnalysisDocument* document, QWidget* parent)
    : QWidget(parent), document_(document), renderer_(std::make_unique<MatrixRenderer>()), locator_(new PatchLocator(this)) {
  setMouseTracking(true);
  setFocusPolicy(Qt::NoFocus);
  // The window's shortcuts while the view is shown (it takes no focus: the arrows step heads).
  search_ = new TokenSearch(document_, this, [this]() -> const DisplayMap& { return displayMap(); });
  connect(search_, &TokenSearch::found, this, [this](int row) {
    // Its row in sight with some context.
    const DisplayMap& map = displayMap();
    const double span = std::min<double>(static_cast<double>(map.values.rows()), 40);
    setVisibleCells(QRectF(-0.5, row - span / 2, static_cast<double>(map.values.cols()), span));
  });
  setAttribute(Qt::WA_OpaquePaintEvent);
  auto locate_in = [this] {
    const bool image = document_->hasAnalysis() && document_->analysis()->model.modality == Modality::Image;
    locator_->setPhoto(image ? document_->photo() : QImage(), image ? document_->analysis()->geometry : ImageGeometry());
  };
  connect(document_, &AnalysisDocument::analysisChanged, this, locate_in);
  locate_in();
  auto* lazy = new LazyRefresh(this, [this] { refresh(); });
  for (auto signal : {&AnalysisDocument::analysisChanged, &AnalysisDocument::zoomChanged}) connect(document_, signal, lazy, &LazyRefresh::request);
  connect(document_, &AnalysisDocument::selectionEdited, lazy, [lazy](SelectionParts parts) {
    if (parts & (SelectionPart::Layer | SelectionPart::Heads | SelectionPart::Method | SelectionPart::Colors | SelectionPart::Scale)) lazy->request();  // the whole map: not the query
  });
  refresh();
}

const DisplayMap& MatrixView::displayMap() const { return renderer_->map ? *renderer_->map : kNoMap; }

int MatrixView::blockSize() const { return renderer_->pooled().block; }

QRectF MatrixView::visibleCells() const { return renderer_->visible(); }

void MatrixView::refresh() {
  // Keep the zoom when only the head or layer changes, so stepping through heads compares like with like.
  const Eigen::Index old_rows = map_ ? map_->values.rows() : -1, old_cols = map_ ? map_->values.cols() : -1;
  // The old map's buffers are reused when nothing else (an export) still holds them: at thousands
  // of tokens a head switch then allocates nothing.
  renderer_->map.reset();
  DisplayMap recycled = map_ && map_.use_count() == 1 ? std::move(*map_) : DisplayMap();
  map_ = std::make_shared<DisplayMap>(build_display_map_or_raw(*document_, document_->state(), std::move(recycled)));
  const bool same_shape = old_rows == map_->values.rows() && old_cols == map_->values.cols();
  auto r = std::make_unique<MatrixRenderer>();
  r->map = map_;
  r->cmap = ColorMap(document_->state().color_map);
  r->pooling = pooling_;
  if (const auto z = document_->matrixZoom()) r->range = z;
  else if (same_shape) r->range = renderer_->range;
  renderer_ = std::move(r);
  update();
}

void MatrixView::setVisibleCells(const QRectF& cells) {
  const DisplayMap& m = displayMap();
  if (m.empty()) return;
  const double cols = m.values.cols(), rows = m.values.rows();
  // At least one cell, never past the matrix: the zoomed map always fills the view.
  const double w = std::clamp(cells.width(), 1.0, cols), h = std::clamp(cells.height(), 1.0, rows);
  const double x = std::clamp(cells.left(), -0.5, cols - 0.5 - w), y = std::clamp(cells.top(), -0.5, rows - 0.5 - h);
  renderer_->range = QRectF(x, y, w, h);
  zoomChanged();
}

void MatrixView::resetZoom() {
  renderer_->range.reset();
  zoomChanged();
}

void MatrixView::zoomChanged() {
  const QRectF v = renderer_->visible();
  const DisplayMap& m = displayMap();
  const bool whole = v.left() <= -0.5 + 1e-9 && v.right() >= m.values.cols() - 0.5 - 1e-9 && v.top() <= -0.5 + 1e-9 &&
                     v.bottom() >= m.values.rows() - 0.5 - 1e-9;
  if (whole) renderer_->range.reset();
  document_->setMatrixZoom(whole ? std::nullopt : std::optional<QRectF>(v));
  update();
}

QPointF MatrixView::cellCenter(int row, int col) const { return renderer_->cellCenter(rect(), row, col); }

void MatrixView::setPooling(Pooling pooling) {
  if (pooling == pooling_) return;
  pooling_ = pooling;
  renderer_->pooling = pooling;
  update();
}

void MatrixView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  renderer_->paint(p, rect());
}

void MatrixView::wheelEvent(QWheelEvent* e) {
  if (displayMap().empty()) return;
  const QPointF anchor = renderer_->toCell(rect(), e->position());
  const double f = std::pow(0.9985, e->angleDelta().y());  // < 1 zooms in
  const QRectF v = visibleCells();
  setVisibleCells(QRectF(anchor.x() - (anchor.x() - v.left()) * f, anchor.y() - (anchor.y() - v.top()) * f, v.width() * f, v.height() * f));
  e->accept();
}

void MatrixView::mousePressEvent(QMouseEvent* e) {
  press_ = last_ = e->position();
  dragging_ = false;
  if (e->button() == Qt::LeftButton && (e->modifiers() & Qt::ControlModifier)) {
    const QPoint cell = renderer_->cellAt(rect(), e->position());
    if (cell.y() >= 0) document_->setQuery(displayMap().row_tokens[static_cast<size_t>(cell.y())]);
  }
}

void MatrixView::mouseMoveEvent(QMouseEvent* e) {
  if ((e->buttons() & Qt::LeftButton) && !(e->modifiers() & Qt::ControlModifier)) {
    if ((e->position() - press_).manhattanLength() > 3) dragging_ = true;
    if (dragging_ && !displayMap().empty()) {
      const QPointF a = renderer_->toCell(rect(), last_), b = renderer_->toCell(rect(), e->position());
      setVisibleCells(visibleCells().translated(a - b));
    }
    last_ = e->position();
    return;
  }
  last_ = e->position();
  showTip(e->position(), e->globalPosition().toPoint());
}

void MatrixView::mouseReleaseEvent(QMouseEvent*) { dragging_ = false; }

void MatrixView::mouseDoubleClickEvent(QMouseEvent*) { resetZoom(); }



void MatrixView::contextMenuEvent(QContextMenuEvent* e) {
  QMenu menu;
  menu.addSection(tr("Cells smaller than a pixel show"));
  auto* group = new QActionGroup(&menu);
  for (auto [p, name] : {std::pair{Pooling::Max, tr("the block's maximum")}, std::pair{Pooling::Mean, tr("the block's mean")}}) {
    QAction* a = menu.addAction(name, this, [this, p = p] { setPooling(p); });
    a->setCheckable(true);
    a->setChecked(pooling_ == p);
    group->addAction(a);
  }
  const QPoint cell = renderer_->cellAt(rect(), e->pos());
  const DisplayMap& map = displayMap();
  if (!map.empty()) {
    menu.addSection(tr("Copy as tab-separated values"));
    if (cell.x() >= 0) {
      const int q = map.row_tokens[static_cast<size_t>(cell.y())], k = map.col_tokens[static_cast<size_t>(cell.x())];
      menu.addAction(tr("This cell (%1 \u2192 %2)").arg(q).arg(k), this, [this, cell] { copyTsv(cell.y(), cell.x()); });
      menu.addAction(tr("The row of token %1").arg(q), this, [this, cell] { copyTsv(cell.y(), -1); });
    }
    menu.addAction(tr("The whole matrix"), this, [this] { copyTsv(-1, -1); });
  }
  menu.addSeparator();
  menu.addAction(tr("Find a token\u2026"), QKeySequence::Find, search_, &TokenSearch::ask);
  menu.exec(e->globalPos());
}

QString MatrixView::tsv(int row, int col) const { return display_map_tsv(displayMap(), row, col); }

void MatrixView::copyTsv(int row, int col) { QGuiApplication::clipboard()->setText(tsv(row, col)); }

int MatrixView::findToken(const QString& text, bool next) { return search_->find(text, next); }

void MatrixView::leaveEvent(QEvent* e) {
  locator_->hide();
  QWidget::leaveEvent(e);
}

void MatrixView::showTip(const QPointF& pos, const QPoint& global) {
  const DisplayMap& map = displayMap();
  const QPoint cell = renderer_->cellAt(rect(), pos);
  if (cell.x() < 0) {
    QToolTip::hideText();
    locator_->hide();
    return;
  }
  const int q = map.row_tokens[static_cast<size_t>(cell.y())];
  const int k = map.col_tokens[static_cast<size_t>(cell.x())];
  if (locator_->hasPhoto()) {
    locator_->mark(q, k, map.labels.value(cell.y()), map.labels.value(cell.x()));
    placeLocator(pos);
    locator_->show();
    locator_->raise();
  }
  const QString weight =
      !map.masked(cell.y(), cell.x()) ? QString::number(map.values(cell.y(), cell.x()), 'g', 4)
      : k > q                         ? tr("masked (a causal model's query never sees later keys)")
                                      : tr("masked (outside this layer's sliding window of %1 keys)").arg(map.window);
  // A merged word names its pieces' tokens; a token says what the document knows about it.
  auto who = [&](int index) {
    const int first = map.row_tokens[static_cast<size_t>(index)], end = map.token_ends[static_cast<size_t>(index)];
    if (end - first <= 1) return document_->tokenTip(first);
    return tr("word \u201c%1\u201d (tokens %2\u2013%3)").arg(map.labels.value(index)).arg(first).arg(end - 1);
  };
  QString tip = tr("query %1\nkey %2\nweight %3").arg(who(cell.y()), who(cell.x()), weight);
  if (!map.excluded_mass.empty())
    tip += "\n" + tr("the excluded tokens took %1% of this row before the rest was renormalised")
                      .arg(100.0 * map.excluded_mass[static_cast<size_t>(cell.y())], 0, 'f', 1);
  QToolTip::showText(global, tip, this);
}

void MatrixView::placeLocator(const QPointF& cursor) {
  // The bottom-right corner of the cells, or the bottom-left one when the cursor is there: the
  // picture must never cover the cell being read.
  const QRect cells = renderer_->cellsRect(rect()).toRect();
  const QSize size = locator_->size();
  QRect at(QPoint(cells.right() - size.width() - 6, cells.bottom() - size.height() - 6), size);
  if (at.adjusted(-16, -16, 16, 16).contains(cursor.toPoint())) at.moveLeft(cells.left() + 6);
  locator_->move(at.topLeft());
}

}  // namespace attnscope::ui
