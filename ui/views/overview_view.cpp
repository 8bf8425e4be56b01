#include "ui/views/overview_view.h"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QToolTip>

#include <tuple>

#include "ui/document/analysis_document.h"
#include "ui/figures/overview_figure.h"
#include "ui/views/lazy_refresh.h"
#include "ui/render/overview_renderer.h"

namespace attnscope::ui {


OverviewView::OverviewView(AnalysisDocument* document, QWidget* parent) : RendererView(parent), document_(document) {
  setMouseTracking(true);
  // A new result rebuilds; a new selection may only move the outline (below). Either waits while hidden.
  auto new_result = std::make_shared<bool>(false);
  auto* lazy = new LazyRefresh(this, [this, new_result] {
    if (*new_result) {
      *new_result = false;
      rebuild();
      return;
    }
    // A new head only moves the outline, unless the grid shows a fusion of the heads or the rollout.
    const ViewState& s = document_->state();
    const bool image = document_->hasAnalysis() && document_->analysis()->model.modality == Modality::Image;
    const bool photo_changed = image && (s.overlay_opacity != drawn_.overlay_opacity || s.smooth_overlay != drawn_.smooth_overlay ||
                                         document_->effectiveQuery(s) != document_->effectiveQuery(drawn_) ||
                                         s.clip_percent != drawn_.clip_percent || s.excluded_patches != drawn_.excluded_patches);
    const auto grid_key = [](const ViewState& v) {  // what the maps depend on beyond colours: the method and its fusion
      const bool fuses = v.method == Method::Rollout || (v.method == Method::Raw && v.head_mode != HeadMode::Single);
      const bool rollout = v.method == Method::Rollout;
      return std::tuple(v.method, fuses ? v.head_mode : HeadMode::Single, fuses ? v.subset : QList<int>(), rollout ? v.start_layer : 0,
                        rollout ? v.discard_ratio : 0.0);
    };
    const bool grid_changed = grid_key(s) != grid_key(drawn_);
    if (!renderer() || photo_changed || grid_changed || s.color_map != drawn_.color_map || s.normalization != drawn_.normalization ||
        s.hide_special != drawn_.hide_special || s.exclude_first != drawn_.exclude_first || s.units != drawn_.units ||
        s.segments != drawn_.segments)
      rebuild();
    else
      reselect();
  });
  connect(document_, &AnalysisDocument::analysisChanged, lazy, [lazy, new_result] {
    *new_result = true;
    lazy->request();
  });
  connect(document_, &AnalysisDocument::stateChanged, lazy, &LazyRefresh::request);
  // Value norms or contributions arriving change the maps of the same selection.
  connect(document_, &AnalysisDocument::derivedChanged, lazy, [lazy, new_result](Derived d) {
    if (d != Derived::ValueNorms && d != Derived::Contributions) return;
    *new_result = true;
    lazy->request();
  });
  rebuild();
}

void OverviewView::rebuild() {
  drawn_ = document_->state();
  setRenderer(overview_figure(*document_, drawn_));
  reselect();
}

void OverviewView::reselect() {
  auto* r = const_cast<OverviewRenderer*>(static_cast<const OverviewRenderer*>(renderer()));
  if (!r) return;
  const ViewState& s = document_->state();
  const auto& ids = r->layer_ids;
  const auto it = std::find(ids.begin(), ids.end(), s.layer);
  const int row = it != ids.end() ? static_cast<int>(it - ids.begin()) : -1;
  r->selected_layer = r->selected_head = -1;
  if (document_->hasAnalysis() && rollout_by_layer(*document_, s)) {
    r->selected_layer = r->layers - 1;  // the rollout through every layer: what the other views show
    r->selected_head = 0;
  } else if (contributions_by_layer(*document_, s) && row >= 0) {
    r->selected_layer = row;
    r->selected_head = 0;
  } else if (s.method == Method::Raw && row >= 0) {
    r->selected_layer = row;
    r->selected_head = s.head_mode == HeadMode::Single ? s.head : r->heads - 1;
  }
  update();
}

bool OverviewView::event(QEvent* event) {
  if (event->type() == QEvent::ToolTip) {
    const auto* r = static_cast<const OverviewRenderer*>(renderer());
    const auto* help = static_cast<QHelpEvent*>(event);
    const auto [row, column] = r ? r->cellAt(rect(), toFigure(help->pos())) : std::pair{-1, -1};
    const qsizetype i = static_cast<qsizetype>(row) * (r ? r->heads : 0) + column;
    if (row >= 0 && i < r->tips.size()) QToolTip::showText(help->globalPos(), r->tips[i], this);
    else QToolTip::hideText();
    return true;
  }
  return RendererView::event(event);
}

void OverviewView::mousePressEvent(QMouseEvent* event) {
  const auto* r = static_cast<const OverviewRenderer*>(renderer());
  if (!r || event->button() != Qt::LeftButton) return RendererView::mousePressEvent(event);
  const auto [row, column] = r->cellAt(rect(), toFigure(event->position()));
  if (row < 0 || (document_->hasAnalysis() && rollout_by_layer(*document_, document_->state()))) return RendererView::mousePressEvent(event);
  ViewState s = document_->state();
  s.layer = r->layer_ids[static_cast<size_t>(row)];
  if (contributions_by_layer(*document_, s)) {  // the method stays: the click picks its layer
    document_->setState(s);
    return;
  }
  if (column < document_->numHeads()) {
    s.head = column;
    s.head_mode = HeadMode::Single;
  }
  s.method = Method::Raw;
  document_->setState(s);
}

}  // namespace attnscope::ui
