#include "ui/views/matrix_view.h"

#include <QActionGroup>
#include <QContextMenuEvent>
#include <QMenu>
#include <QToolTip>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include "ui/document/analysis_document.h"
#include "ui/views/lazy_refresh.h"
#include "ui/document/map_builder.h"
#include "ui/render/matrix_plot.h"
#include "ui/views/patch_locator.h"

namespace attnscope::ui {

MatrixView::MatrixView(AnalysisDocument* document, QWidget* parent)
    : QWidget(parent), document_(document), plot_(new QCustomPlot(this)), locator_(new PatchLocator(plot_)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(plot_);
  plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  plot_->setMouseTracking(true);
  plot_->setFocusPolicy(Qt::NoFocus);
  connect(plot_, &QCustomPlot::mouseMove, this, &MatrixView::showTip);
  connect(plot_, &QCustomPlot::mouseDoubleClick, this, [this](QMouseEvent*) {
    if (map_.empty()) return;
    plot_->xAxis->setRange(-0.5, map_.values.cols() - 0.5);
    plot_->yAxis->setRange(-0.5, map_.values.rows() - 0.5);
    MatrixPlot::updateTickLabels(plot_, map_, labels_);
    plot_->replot();
  });
  connect(plot_, &QCustomPlot::mousePress, this, [this](QMouseEvent* e) {
    if (e->button() != Qt::LeftButton || !(e->modifiers() & Qt::ControlModifier)) return;
    const QPoint cell = MatrixPlot::cellAt(plot_, map_, e->position());
    if (cell.y() >= 0) document_->setQuery(map_.row_tokens[static_cast<size_t>(cell.y())]);
  });
  connect(plot_, &QCustomPlot::afterLayout, this, [this] {
    if (map_.empty()) return;
    // Runs before drawing, once per replot however many ranges changed, and knows the final size.
    if (cells_dirty_ || (plot_->axisRect() && plot_->axisRect()->rect().size() != laid_out_)) updateCells();
    if (MatrixPlot::updateTickLabels(plot_, map_, labels_)) plot_->replot(QCustomPlot::rpQueuedReplot);
  });
  plot_->setContextMenuPolicy(Qt::CustomContextMenu);
  connect(plot_, &QWidget::customContextMenuRequested, this, [this](const QPoint& pos) {
    QMenu menu;
    menu.addSection(tr("Cells smaller than a pixel show"));
    auto* group = new QActionGroup(&menu);
    for (auto [p, name] : {std::pair{MatrixPlot::Pooling::Max, tr("the block's maximum")}, std::pair{MatrixPlot::Pooling::Mean, tr("the block's mean")}}) {
      QAction* a = menu.addAction(name, this, [this, p = p] { setPooling(p); });
      a->setCheckable(true);
      a->setChecked(pooling_ == p);
      group->addAction(a);
    }
    menu.exec(plot_->mapToGlobal(pos));
  });
  plot_->installEventFilter(this);  // leaving the plot hides the patch locator
  auto locate_in = [this] {
    const bool image = document_->hasAnalysis() && document_->analysis()->model.modality == Modality::Image;
    locator_->setPhoto(image ? document_->photo() : QImage(), image ? document_->analysis()->geometry : ImageGeometry());
  };
  connect(document_, &AnalysisDocument::analysisChanged, this, locate_in);
  locate_in();
  auto* lazy = new LazyRefresh(this, [this] { refresh(); });
  for (auto signal : {&AnalysisDocument::analysisChanged, &AnalysisDocument::zoomChanged, &AnalysisDocument::stateChanged})
    connect(document_, signal, lazy, &LazyRefresh::request);
  refresh();
}

void MatrixView::refresh() {
  // Keep the zoom when only the head or layer changes, so stepping through heads compares like with like.
  const bool had = !map_.empty();
  const QCPRange xr = plot_->xAxis ? plot_->xAxis->range() : QCPRange();
  const QCPRange yr = plot_->yAxis ? plot_->yAxis->range() : QCPRange();
  const long old_rows = map_.values.rows(), old_cols = map_.values.cols();
  map_ = build_display_map(*document_, document_->state(), std::move(map_));
  labels_ = document_->tokenLabels();
  if (map_.empty()) {
    color_map_ = nullptr;
    plot_->clearPlottables();
    plot_->replot();
    return;
  }
  MatrixPlot::Options o;
  o.pooling = pooling_;
  o.fill_cells = false;  // filled by the replot below, once the zoom is restored
  color_map_ = MatrixPlot::setup(plot_, map_, labels_, ColorMap(document_->state().color_map), o);
  if (had && old_rows == map_.values.rows() && old_cols == map_.values.cols()) {
    plot_->xAxis->setRange(xr);
    plot_->yAxis->setRange(yr);
    MatrixPlot::updateTickLabels(plot_, map_, labels_);
  }
  auto zoomed = [this] {
    cells_dirty_ = true;
    MatrixPlot::updateTickLabels(plot_, map_, labels_);
    const QCPRange x = plot_->xAxis->range(), y = plot_->yAxis->range();
    const bool whole = x.lower <= -0.5 + 1e-9 && x.upper >= map_.values.cols() - 0.5 - 1e-9 && y.lower <= -0.5 + 1e-9 &&
                       y.upper >= map_.values.rows() - 0.5 - 1e-9;
    document_->setMatrixZoom(whole ? std::nullopt : std::optional<QRectF>(QRectF(QPointF(x.lower, y.lower), QPointF(x.upper, y.upper))));
  };
  connect(plot_->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, zoomed);
  connect(plot_->yAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, zoomed);
  if (const auto z = document_->matrixZoom()) {
    plot_->xAxis->setRange(z->left(), z->right());
    plot_->yAxis->setRange(z->top(), z->bottom());
  }
  cells_dirty_ = true;
  plot_->replot();
}

void MatrixView::updateCells() {
  if (!color_map_ || map_.empty()) return;
  block_ = MatrixPlot::updateCells(plot_, color_map_, map_, pooling_);
  laid_out_ = plot_->axisRect()->rect().size();
  cells_dirty_ = false;
}

void MatrixView::setPooling(MatrixPlot::Pooling pooling) {
  if (pooling == pooling_) return;
  pooling_ = pooling;
  cells_dirty_ = true;
  plot_->replot();
}

void MatrixView::showTip(QMouseEvent* event) {
  const QPoint cell = MatrixPlot::cellAt(plot_, map_, event->position());
  if (cell.x() < 0) {
    QToolTip::hideText();
    locator_->hide();
    return;
  }
  const int q = map_.row_tokens[static_cast<size_t>(cell.y())];
  const int k = map_.col_tokens[static_cast<size_t>(cell.x())];
  if (locator_->hasPhoto()) {
    locator_->mark(q, k, labels_.value(q), labels_.value(k));
    placeLocator(event->position());
    locator_->show();
    locator_->raise();
  }
  const QString weight =
      !map_.masked(cell.y(), cell.x()) ? QString::number(map_.values(cell.y(), cell.x()), 'g', 4)
      : k > q                          ? tr("masked (a causal model's query never sees later keys)")
                                       : tr("masked (outside this layer's sliding window of %1 keys)").arg(map_.window);
  QToolTip::showText(event->globalPosition().toPoint(),
                     tr("query %1\nkey %2\nweight %3").arg(document_->tokenTip(q), document_->tokenTip(k), weight),
                     plot_);
}

void MatrixView::placeLocator(const QPointF& cursor) {
  if (!plot_->axisRect()) return;
  // The bottom-right corner of the cells, or the bottom-left one when the cursor is there: the
  // picture must never cover the cell being read.
  const QRect cells = plot_->axisRect()->rect();
  const QSize size = locator_->size();
  QRect at(QPoint(cells.right() - size.width() - 6, cells.bottom() - size.height() - 6), size);
  if (at.adjusted(-16, -16, 16, 16).contains(cursor.toPoint())) at.moveLeft(cells.left() + 6);
  locator_->move(at.topLeft());
}

bool MatrixView::eventFilter(QObject* watched, QEvent* event) {
  if (watched == plot_ && event->type() == QEvent::Leave) locator_->hide();
  return QWidget::eventFilter(watched, event);
}

}  // namespace attnscope::ui
