#include "ui/views/overview_view.h"

#include <QMouseEvent>

#include "core/analysis/display_norm.h"
#include "core/analysis/token_roles.h"
#include "core/pipeline/derived_maps.h"
#include "ui/document/analysis_document.h"
#include "ui/document/map_builder.h"
#include "ui/render/axis_labels.h"
#include "ui/render/overview_renderer.h"
#include "ui/render/thumbnails.h"

namespace attnscope::ui {

OverviewView::OverviewView(AnalysisDocument* document, QWidget* parent) : RendererView(parent), document_(document) {
  setMouseTracking(true);
  connect(document_, &AnalysisDocument::analysisChanged, this, &OverviewView::rebuild);
  connect(document_, &AnalysisDocument::stateChanged, this, [this] {
    // Only the colours and the hidden tokens change the thumbnails; a new head just moves the outline.
    const ViewState& s = document_->state();
    if (!renderer() || s.color_map != drawn_.color_map || s.normalization != drawn_.normalization || s.hide_special != drawn_.hide_special)
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
  if (image) {
    r->title = QObject::tr("All heads: [CLS] \u2192 patches, each relative to its max");
    r->bar = ColorBar{cmap, 0.0, 1.0, false, QObject::tr("weight / max of the map")};
  }
  for (int layer : att.layers) r->layer_labels << layer_label(a.model, layer);
  for (int h = 0; h < att.num_heads; ++h) r->head_labels << head_label(a.model, h);
  for (int layer : att.layers) {
    for (int h = 0; h < att.num_heads; ++h) {
      ViewState s = state;
      s.method = Method::Raw;
      s.head_mode = HeadMode::Single;
      s.layer = layer;
      s.head = h;
      if (image) {
        const PatchGrid grid = patch_grid(a);
        DisplayOptions o;
        o.scale = DisplayScale::MatrixMax;
        const RowMatrix cls = normalize_for_display(patch_map(att.head(layer, h), 0, grid), o);
        r->thumbnails.push_back(shade_image(cls, cmap, side));
      } else {
        const DisplayMap m = build_display_map(doc, s);
        r->thumbnails.push_back(shade_image(m.shade, cmap, side));
      }
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
