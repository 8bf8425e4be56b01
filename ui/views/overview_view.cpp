#include "ui/views/overview_view.h"

#include <QMouseEvent>

#include <cmath>

#include "core/analysis/display_norm.h"
#include "core/analysis/token_roles.h"
#include "core/pipeline/derived_maps.h"
#include "ui/document/analysis_document.h"
#include "ui/document/map_builder.h"
#include "ui/render/axis_labels.h"
#include "ui/render/overview_renderer.h"
#include "ui/render/thumbnails.h"

namespace attnscope::ui {

namespace {

// As the DINO paper shows them: each head's map of the query row over the photo, in the photo's
// aspect ratio, on the scale the Scale box chooses.
void fillImageThumbnails(OverviewRenderer& r, const AnalysisDocument& doc, const ViewState& state, int side) {
  const Analysis& a = *doc.analysis();
  const AttentionMaps& att = a.forward.attentions;
  const PatchGrid grid = patch_grid(a);
  const int query = doc.effectiveQuery(state);
  const ColorMap cmap(state.color_map);
  // The part of the photo the patches cover (a centre crop's, or all of a resized photo).
  const RectF box = a.geometry.patches_box();
  const QRectF region(box.x, box.y, box.width, box.height);
  r.cell_aspect = region.width() / region.height();
  r.photo_thumbnails = true;
  const int long_side = std::max(2 * side, 192);
  const QSize size = r.cell_aspect >= 1 ? QSize(long_side, std::max(1, static_cast<int>(std::lround(long_side / r.cell_aspect))))
                                        : QSize(std::max(1, static_cast<int>(std::lround(long_side * r.cell_aspect))), long_side);
  const QImage base = doc.photo()
                         .copy(region.toAlignedRect())
                         .scaled(size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation)
                         .convertToFormat(QImage::Format_RGB32);  // once, not in each of the L x H overlay_thumbnail() calls

  std::vector<RowMatrix> maps;  // [rows, cols] per layer x head
  float global = 0;
  for (int layer : att.layers)
    for (int h = 0; h < att.num_heads; ++h) {
      maps.push_back(patch_map(att.head(layer, h), query, grid));
      global = std::max(global, maps.back().maxCoeff());
    }
  DisplayOptions o;
  o.clip_percent = state.clip_percent;
  QString scale;
  switch (state.normalization) {
    case Normalization::Global:
      r.bar = ColorBar{cmap, 0.0, global, false, QObject::tr("weight, one scale for every head")};
      scale = QObject::tr("one scale for every head");
      break;
    case Normalization::Log:
      o.scale = DisplayScale::Log;
      r.bar = ColorBar{cmap, std::pow(10.0, -o.log_decades), 1.0, true, QObject::tr("weight / each map's max (log)")};
      scale = QObject::tr("log, %1 decades below each map's max").arg(o.log_decades);
      break;
    case Normalization::ValuePercentile:
      o.scale = DisplayScale::ValuePercentile;
      r.bar = ColorBar{cmap, 0.0, 1.0, false, QObject::tr("weight / each map's clip level")};
      scale = QObject::tr("each map's top %1% of values saturates").arg(state.clip_percent);
      break;
    case Normalization::Percentile:
      o.scale = DisplayScale::Percentile;
      r.bar = ColorBar{cmap, 0.0, 1.0, false, QObject::tr("weight / each map's clip level")};
      scale = QObject::tr("each map's top %1% of mass saturates").arg(state.clip_percent);
      break;
    default:
      o.scale = DisplayScale::MatrixMax;
      r.bar = ColorBar{cmap, 0.0, 1.0, false, QObject::tr("weight / each map's max")};
      scale = QObject::tr("each map to its max");
  }
  for (const RowMatrix& m : maps) {
    const RowMatrix shade = state.normalization == Normalization::Global ? RowMatrix(m / std::max(global, 1e-12f)) : normalize_for_display(m, o);
    r.thumbnails.push_back(overlay_thumbnail(base, shade, cmap, state.overlay_opacity, state.smooth_overlay));
  }
  const QString who = doc.tokenLabels().value(query);
  r.title = QObject::tr("All heads: %1 \u2192 patches over the photo").arg(who);
  r.caption = QObject::tr("Raw weights of each head · %1 · opacity %2").arg(scale).arg(state.overlay_opacity, 0, 'f', 2);
  if (state.method != Method::Raw)
    r.caption += QObject::tr(" · %1 fuses the heads into one map: see the Image view").arg(display_name(state.method));
}

}  // namespace

OverviewView::OverviewView(AnalysisDocument* document, QWidget* parent) : RendererView(parent), document_(document) {
  setMouseTracking(true);
  connect(document_, &AnalysisDocument::analysisChanged, this, &OverviewView::rebuild);
  connect(document_, &AnalysisDocument::stateChanged, this, [this] {
    // Only the colours and the hidden tokens (and for photos the query and overlay settings) change
    // the thumbnails; a new head just moves the outline.
    const ViewState& s = document_->state();
    const bool image = document_->hasAnalysis() && document_->analysis()->model.modality == Modality::Image;
    const bool photo_changed = image && (s.overlay_opacity != drawn_.overlay_opacity || s.smooth_overlay != drawn_.smooth_overlay ||
                                         document_->effectiveQuery(s) != document_->effectiveQuery(drawn_) ||
                                         s.method != drawn_.method || s.clip_percent != drawn_.clip_percent);
    if (!renderer() || photo_changed || s.color_map != drawn_.color_map || s.normalization != drawn_.normalization ||
        s.hide_special != drawn_.hide_special)
      rebuild();
    else
      reselect();
  });
  rebuild();
}

std::unique_ptr<OverviewRenderer> OverviewView::makeRenderer(const AnalysisDocument& doc, const ViewState& state, int side) {
  auto r = std::make_unique<OverviewRenderer>();
  if (!doc.hasAnalysis()) return r;
  const AttentionMaps& att = doc.analysis()->forward.attentions;
  r->layers = static_cast<int>(att.layers.size());
  r->heads = att.num_heads;
  r->layer_ids = att.layers;
  r->title = QObject::tr("All heads (%1)").arg(to_string(state.normalization));
  const ColorMap cmap(state.color_map);
  switch (state.normalization) {
    case Normalization::Row: r->bar = ColorBar{cmap, 0.0, 1.0, false, QObject::tr("attention weight")}; break;
    case Normalization::Global: r->bar = ColorBar{cmap, 0.0, doc.globalMax(state), false, QObject::tr("attention weight")}; break;
    default: r->bar = ColorBar{cmap, 0.0, 1.0, false, QObject::tr("weight relative to each head (%1)").arg(to_string(state.normalization))};
  }
  const Analysis& a = *doc.analysis();
  const bool image = a.model.modality == Modality::Image && !a.geometry.empty();
  for (int layer : att.layers) r->layer_labels << layer_label(a.model, layer);
  for (int h = 0; h < att.num_heads; ++h) r->head_labels << head_label(a.model, h);
  if (image) {
    fillImageThumbnails(*r, doc, state, side);
    return r;
  }
  for (int layer : att.layers) {
    for (int h = 0; h < att.num_heads; ++h) {
      ViewState s = state;
      s.method = Method::Raw;
      s.head_mode = HeadMode::Single;
      s.layer = layer;
      s.head = h;
      const DisplayMap m = build_display_map(doc, s);
      r->thumbnails.push_back(shade_image(m.shade, cmap, side));
    }
  }
  return r;
}

void OverviewView::rebuild() {
  drawn_ = document_->state();
  setRenderer(makeRenderer(*document_, drawn_));
  reselect();
}

void OverviewView::reselect() {
  auto* r = const_cast<OverviewRenderer*>(static_cast<const OverviewRenderer*>(renderer()));
  if (!r) return;
  const ViewState& s = document_->state();
  const auto& ids = r->layer_ids;
  const auto it = std::find(ids.begin(), ids.end(), s.layer);
  const bool single = s.method == Method::Raw && s.head_mode == HeadMode::Single;
  r->selected_layer = single && it != ids.end() ? static_cast<int>(it - ids.begin()) : -1;
  r->selected_head = single ? s.head : -1;
  update();
}

void OverviewView::mousePressEvent(QMouseEvent* event) {
  const auto* r = static_cast<const OverviewRenderer*>(renderer());
  if (!r) return;
  const auto [row, head] = r->cellAt(rect(), event->position());
  if (row < 0) return;
  ViewState s = document_->state();
  s.layer = r->layer_ids[static_cast<size_t>(row)];
  s.head = head;
  s.head_mode = HeadMode::Single;
  s.method = Method::Raw;
  document_->setState(s);
}

}  // namespace attnscope::ui
