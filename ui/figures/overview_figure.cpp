#include "ui/figures/overview_figure.h"

#include <cmath>

#include "core/analysis/display_norm.h"
#include "core/analysis/rollout.h"
#include "core/analysis/token_roles.h"
#include "core/common/error.h"
#include "core/pipeline/derived_maps.h"
#include "ui/document/analysis_document.h"
#include "ui/document/map_builder.h"
#include "ui/render/axis_labels.h"
#include "ui/render/thumbnails.h"

namespace attnscope::ui {

bool rollout_by_layer(const AnalysisDocument& doc, const ViewState& state) {
  return state.method == Method::Rollout && 2.0 * doc.rolloutWork() <= 2e10;
}

bool contributions_by_layer(const AnalysisDocument& doc, const ViewState& state) {
  return (state.method == Method::Contributions || state.method == Method::Alti) && doc.contributions();
}


namespace {

QString fused_label(const ViewState& s) {
  if (s.head_mode == HeadMode::Subset) {
    QStringList hs;
    for (int h : s.subset) hs << QString::number(h);
    return QObject::tr("mean of H%1").arg(hs.join(","));
  }
  return QObject::tr("%1 of heads").arg(display_name(s.head_mode));
}

template <typename Cell>
void visit_cells(const AnalysisDocument& doc, const ViewState& state, OverviewRenderer& r, Cell&& cell) {
  const Analysis& a = *doc.analysis();
  const AttentionMaps& att = a.forward.attentions;
  if (rollout_by_layer(doc, state)) {
    r.heads = 1;
    r.head_labels = QStringList{QObject::tr("rollout")};
    attention_rollout_steps(att, rollout_options_for(state), [&](int layer, const RowMatrix& rollout) {
      r.layer_ids.push_back(layer);
      r.layer_labels << QObject::tr("to %1").arg(layer_label(a.model, layer));
      cell(r.layers++, 0, rollout);
    });
    return;
  }
  if (contributions_by_layer(doc, state)) {
    const auto c = doc.contributions();
    const bool aggregated = state.method == Method::Alti;
    r.heads = 1;
    r.head_labels = QStringList{aggregated ? QObject::tr("ALTI") : QObject::tr("contributions")};
    for (int layer : c->layers) {
      r.layer_ids.push_back(layer);
      r.layer_labels << (aggregated ? QObject::tr("to %1").arg(layer_label(a.model, layer)) : layer_label(a.model, layer));
      cell(r.layers++, 0, RowMatrix(c->map(layer, aggregated)));
    }
    return;
  }
  // Value norms, once computed, in place of the weights: each head's, then their layer's sum.
  const auto norms = state.method == Method::ValueNorm ? doc.valueNorms() : nullptr;
  const bool fused = (state.method == Method::Raw && state.head_mode != HeadMode::Single) || norms;
  r.heads = att.num_heads + (fused ? 1 : 0);
  for (int h = 0; h < att.num_heads; ++h) r.head_labels << head_label(a.model, h);
  if (norms) r.head_labels << QObject::tr("all heads");
  else if (fused) r.head_labels << fused_label(state);
  RowMatrix scratch;
  for (int layer : att.layers) {
    r.layer_ids.push_back(layer);
    r.layer_labels << layer_label(a.model, layer);
    for (int h = 0; h < att.num_heads; ++h) cell(r.layers, h, norms ? RowMatrix(norms->map(layer, h)) : RowMatrix(att.head_f32(layer, h, scratch)));
    if (norms) cell(r.layers, att.num_heads, RowMatrix(norms->map(layer, -1)));
    else if (fused) cell(r.layers, att.num_heads, fuse_heads(att, layer, fusion_for(state)));
    ++r.layers;
  }
}

QString cell_name(const OverviewRenderer& r, int row, int column) {
  return r.layer_labels.value(row) + QString::fromUtf8(" \u00b7 ") + r.head_labels.value(column);
}

// As the DINO paper shows them: each head's map of the query row over the photo, in the photo's
// aspect ratio, on the scale the Scale box chooses, with the Image view's excluded patches.
void fillImageThumbnails(OverviewRenderer& r, const AnalysisDocument& doc, const ViewState& state, int side) {
  const Analysis& a = *doc.analysis();
  const PatchGrid grid = patch_grid(a);
  const int query = doc.effectiveQuery(state);
  const ColorMap cmap(state.color_map);
  const RectF box = a.geometry.patches_box();
  r.cell_aspect = box.width / box.height;
  r.photo_thumbnails = true;
  // Converted once, not in each of the L x H overlay_thumbnail() calls.
  const QImage base = patches_photo(doc.photo(), a.geometry, std::max(2 * side, 192)).convertToFormat(QImage::Format_RGB32);

  std::vector<RowMatrix> maps;  // [rows, cols] per cell
  float global = 0;
  visit_cells(doc, state, r, [&](int row, int column, const RowMatrix& weights) {
    RowMatrix m = patch_map(weights, query, grid);
    const double mass = m.sum();
    bool excluded = false;
    for (int p : state.excluded_patches)
      if (p >= 0 && p < m.size()) m.data()[p] = 0, excluded = true;
    if (excluded && m.sum() > 0) m /= m.sum();
    Eigen::Index pr = 0, pc = 0;
    const float top = m.maxCoeff(&pr, &pc);
    r.tips << QObject::tr("%1\nmax %2 at patch (%3, %4) · patch mass %5 of the row")
                  .arg(cell_name(r, row, column))
                  .arg(top, 0, 'g', 4)
                  .arg(pr)
                  .arg(pc)
                  .arg(mass, 0, 'f', 3);
    global = std::max(global, top);
    maps.push_back(std::move(m));
  });
  DisplayOptions o;
  o.clip_percent = state.clip_percent;
  QString scale;
  switch (state.normalization) {
    case Normalization::Global:
      r.bar = ColorBar{cmap, 0.0, global, false, QObject::tr("weight, one scale for every map")};
      scale = QObject::tr("one scale for every map");
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
  QString what;
  if (rollout_by_layer(doc, state)) {
    r.title = QObject::tr("Rollout after each layer: %1 \u2192 patches over the photo").arg(who);
    what = QObject::tr("%1; the last map is the Image view's").arg(describe(state));
  } else if (contributions_by_layer(doc, state)) {
    r.title = state.method == Method::Alti ? QObject::tr("ALTI after each layer: %1 \u2192 patches over the photo").arg(who)
                                           : QObject::tr("Token contributions of each layer: %1 \u2192 patches over the photo").arg(who);
    what = QObject::tr("%1 is the Image view's").arg(describe(state));
  } else {
    r.title = QObject::tr("All heads: %1 \u2192 patches over the photo").arg(who);
    what = state.method == Method::Raw && state.head_mode != HeadMode::Single ? QObject::tr("Raw weights of each head and their %1").arg(r.head_labels.last())
                                                                           : QObject::tr("Raw weights of each head");
  }
  r.caption = QObject::tr("%1 · %2 · opacity %3").arg(what, scale).arg(state.overlay_opacity, 0, 'f', 2);
  if (!state.excluded_patches.isEmpty()) r.caption += QObject::tr(" · %1 patches excluded, the rest renormalised").arg(state.excluded_patches.size());
  if (state.method == Method::Flow) r.caption += QObject::tr(" · attention flow is one map through every layer: see the Image view");
  if (state.method == Method::Rollout && !rollout_by_layer(doc, state))
    r.caption += QObject::tr(" · the rollout after each layer is not drawn at %1 tokens (too costly here): see the Image view").arg(doc.seqLen());
}

void fillTextThumbnails(OverviewRenderer& r, const AnalysisDocument& doc, const ViewState& state, int side) {
  const ColorMap cmap(state.color_map);
  visit_cells(doc, state, r, [&](int row, int column, const RowMatrix& weights) {
    ViewState s = state;
    if (contributions_by_layer(doc, state)) {
      s.layer = r.layer_ids[static_cast<size_t>(row)];
    } else if (!rollout_by_layer(doc, state)) {
      if (state.method != Method::ValueNorm || !doc.valueNorms()) s.method = Method::Raw;  // flow shows the raw heads
      s.layer = r.layer_ids[static_cast<size_t>(row)];
      const bool fused_column = column >= doc.analysis()->forward.attentions.num_heads;
      s.head_mode = fused_column ? state.head_mode : HeadMode::Single;
      s.head = column;
    }
    const DisplayMap m = display_map_of(doc, s, weights);
    // The tip reads the map as the thumbnail shows it (hidden tokens, merged words).
    Eigen::Index q = 0, k = 0;
    const float top = m.empty() ? 0.0f : m.values.maxCoeff(&q, &k);
    r.tips << QObject::tr("%1\nlargest weight %2: %3 \u2192 %4")
                  .arg(cell_name(r, row, column))
                  .arg(top, 0, 'g', 4)
                  .arg(m.labels.value(static_cast<int>(q)), m.labels.value(static_cast<int>(k)));
    r.thumbnails.push_back(m.empty() ? QImage() : shade_image(m.shade, cmap, side));
  });
  if (rollout_by_layer(doc, state)) {
    r.title = QObject::tr("Rollout after each layer (%1)").arg(to_string(state.normalization));
    r.caption = QObject::tr("%1; the last map is the Matrix view's").arg(describe(state));
  } else if (contributions_by_layer(doc, state)) {
    r.title = state.method == Method::Alti ? QObject::tr("ALTI after each layer (%1)").arg(to_string(state.normalization))
                                           : QObject::tr("Token contributions of each layer (%1)").arg(to_string(state.normalization));
    r.caption = QObject::tr("%1 is the Matrix view's; click a layer to show it").arg(describe(state));
  } else if (state.method == Method::Flow) {
    r.caption = QObject::tr("Raw weights of each head · attention flow is one map through every layer: see the Matrix view");
  } else if (state.method == Method::Rollout) {
    r.caption = QObject::tr("Raw weights of each head · the rollout after each layer is not drawn at %1 tokens (too costly here): see the Matrix view")
                    .arg(doc.seqLen());
  }
}

}  // namespace

std::unique_ptr<OverviewRenderer> overview_figure(const AnalysisDocument& doc, const ViewState& state, int side) {
  auto r = std::make_unique<OverviewRenderer>();
  if (!doc.hasAnalysis()) return r;
  const Analysis& a = *doc.analysis();
  const Normalization normalization = shown_normalization(state);
  const bool norms = state.method == Method::ValueNorm && doc.valueNorms();
  r->title = norms ? QObject::tr("Value norms of all heads (%1)").arg(to_string(normalization))
                   : QObject::tr("All heads (%1)").arg(to_string(normalization));
  const ColorMap cmap(state.color_map);
  switch (normalization) {
    case Normalization::Row: r->bar = ColorBar{cmap, 0.0, 1.0, false, QObject::tr("attention weight")}; break;
    case Normalization::Global:
      r->bar = ColorBar{cmap, 0.0, doc.globalMax(state), false, norms ? QObject::tr("value-weighted norm") : QObject::tr("attention weight")};
      break;
    default: r->bar = ColorBar{cmap, 0.0, 1.0, false, QObject::tr("weight relative to each map (%1)").arg(to_string(state.normalization))};
  }
  try {
    if (a.model.modality == Modality::Image && !a.geometry.empty()) fillImageThumbnails(*r, doc, state, side);
    else fillTextThumbnails(*r, doc, state, side);
  } catch (const Error& e) {  // rollout from a layer that was not captured
    auto failed = std::make_unique<OverviewRenderer>();
    failed->title = QString::fromStdString(e.what());
    return failed;
  }
  return r;
}

}  // namespace attnscope::ui
