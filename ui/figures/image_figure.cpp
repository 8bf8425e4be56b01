#include "ui/figures/image_figure.h"

#include <cmath>

#include "core/analysis/display_norm.h"
#include "core/analysis/mass_threshold.h"
#include "core/analysis/token_roles.h"
#include "core/pipeline/derived_maps.h"
#include "ui/document/analysis_document.h"
#include "ui/document/map_builder.h"

namespace attnscope::ui {

std::unique_ptr<ImageOverlayRenderer> image_figure(const AnalysisDocument& doc, const ViewState& s) {
  auto r = std::make_unique<ImageOverlayRenderer>();
  r->cmap = ColorMap(s.color_map);
  r->opacity = s.overlay_opacity;
  r->smooth = s.smooth_overlay;
  if (!doc.hasAnalysis() || doc.analysis()->model.modality != Modality::Image) {
    r->title = doc.hasAnalysis() ? QObject::tr("The Image view is for image models; see the Text view.") : QString();
    return r;
  }
  const Analysis& a = *doc.analysis();
  r->photo = doc.photo();
  r->geometry = a.geometry;

  ViewState plain = s;
  plain.hide_special = false;  // the prefix tokens are never drawn; their mass is handled below
  plain.exclude_first = false;
  const RowMatrix weights = selected_weights(doc, plain, &r->caption);
  if (weights.size() == 0) {
    r->title = r->caption;
    return r;
  }
  const int query = doc.effectiveQuery(s);
  const PatchGrid grid = patch_grid(a);
  RowMatrix map = patch_map(weights, query, grid);  // the query row over the patch keys
  const double total = map.sum();
  // Excluded patches (artefacts that take the row, as AugReg's corners do) leave the map, and the
  // rest is renormalised to sum 1 so that it fills the colour range.
  int excluded = 0;
  for (int p : s.excluded_patches)
    if (p >= 0 && p < map.size()) {
      map.data()[p] = 0;
      r->excluded.push_back(p);
      ++excluded;
    }
  if (excluded > 0 && map.sum() > 0) map /= map.sum();
  r->patch_values = map;
  const float mx = map.maxCoeff();
  // A single row over the patches is shaded relative to its own max (as DINO's maps are) for the
  // row and matrix scales; "global" compares with the largest weight of every head.
  DisplayOptions o;
  o.clip_percent = s.clip_percent;
  o.scale = s.normalization == Normalization::Log               ? DisplayScale::Log
            : s.normalization == Normalization::Percentile      ? DisplayScale::Percentile
            : s.normalization == Normalization::ValuePercentile ? DisplayScale::ValuePercentile
                                                                : DisplayScale::MatrixMax;
  if (s.normalization == Normalization::Global) r->patch_shade = map / static_cast<float>(std::max(doc.globalMax(s), 1e-12));
  else r->patch_shade = normalize_for_display(map, o);
  const QString what = QObject::tr("weight");  // what it is weighted from is in the title
  switch (s.normalization) {
    case Normalization::Global:
      r->bar = ColorBar{r->cmap, 0.0, doc.globalMax(s), false, what + QObject::tr(" (scaled to max over all heads)")};
      break;
    case Normalization::Log:
      r->bar = ColorBar{r->cmap, mx * std::pow(10.0, -o.log_decades), mx, true, what + QObject::tr(" (log)")};
      break;
    case Normalization::Percentile:
      r->bar = ColorBar{r->cmap, 0.0, cumulative_sum_threshold(map.data(), static_cast<size_t>(map.size()), 100.0 - s.clip_percent), false,
                        what + QObject::tr(" (top %1% of mass clipped)").arg(s.clip_percent)};
      break;
    case Normalization::ValuePercentile:
      r->bar = ColorBar{r->cmap, 0.0, value_percentile(map.data(), static_cast<size_t>(map.size()), 100.0 - s.clip_percent), false,
                        what + QObject::tr(" (top %1% of values clipped)").arg(s.clip_percent)};
      break;
    default:
      r->bar = ColorBar{r->cmap, 0.0, mx, false, what + QObject::tr(", 0 to the row's max")};
  }
  const QStringList labels = doc.tokenLabels();
  const bool patch_query = query >= a.geometry.prefix_tokens;
  r->query_patch = patch_query ? query - a.geometry.prefix_tokens : -1;
  r->subject = QObject::tr("%1 \u2192 patches").arg(labels.value(query));
  r->title = r->subject + QString::fromUtf8(" \u00b7 ") + describe(s);
  const int registers = a.model.num_register_tokens, first_register = a.geometry.prefix_tokens - registers;
  if (registers > 0 && s.show_registers && r->bar && excluded == 0) {  // renormalised patches are not on the registers' scale
    // On the patches' scale: a register brighter than every patch is the sink the paper describes.
    const Eigen::RowVectorXf reg = weights.row(query).segment(first_register, registers);
    const bool own_scale = s.normalization == Normalization::Row || s.normalization == Normalization::Matrix;
    if (own_scale && reg.maxCoeff() > mx) {
      const float top = reg.maxCoeff();
      r->patch_shade = map / top;
      r->bar->upper = top;
      r->bar->label = what + QObject::tr(" (scaled to the max of patches and registers)");
    }
    for (int i = 0; i < registers; ++i) {
      r->register_weights.push_back(reg(i));
      r->register_shade.push_back(r->bar->log ? std::log10(std::max<double>(reg(i), r->bar->lower) / r->bar->lower) /
                                                     std::log10(r->bar->upper / r->bar->lower)
                                              : reg(i) / std::max(r->bar->upper, 1e-12));
    }
  }
  if (registers > 0) {
    // Registers absorb the mass high-norm patches would otherwise take (Darcet et al. 2024): say how much.
    const double reg_mass = weights.row(query).segment(first_register, registers).sum();
    r->caption = QObject::tr("patch mass %1 of the row · %2 registers %3 · CLS %4 · max %5")
                     .arg(total, 0, 'f', 3)
                     .arg(registers)
                     .arg(reg_mass, 0, 'f', 3)
                     .arg(weights(query, 0), 0, 'f', 3)
                     .arg(mx, 0, 'g', 3);
  } else {
    r->caption = QObject::tr("patch mass %1 of the row (the rest goes to %2) · max %3")
                     .arg(total, 0, 'f', 3)
                     .arg(a.geometry.prefix_tokens > 1 ? QObject::tr("the CLS and distillation tokens") : QObject::tr("CLS"))
                     .arg(mx, 0, 'g', 3);
  }
  if (excluded > 0)
    r->caption += (excluded == 1 ? QObject::tr(" · 1 patch excluded") : QObject::tr(" · %1 patches excluded").arg(excluded)) +
                  QObject::tr(", the rest renormalised to sum 1");
  const double seen = a.geometry.fraction_seen();
  if (seen < 0.99)
    r->caption += QObject::tr(" · the model saw only the outlined centre crop (%1% of the photo)").arg(100 * seen, 0, 'f', 0);
  if (s.show_threshold && total > 0) {
    std::vector<float> values(map.data(), map.data() + map.size());
    MassThresholdOptions o;
    o.fraction = s.threshold;
    const MassThreshold t = mass_threshold(values, o);
    r->threshold_keep = t.keep;
    r->caption += QObject::tr(" · contour: %1 patches hold %2% of the patch mass").arg(t.kept).arg(100 * t.kept_mass, 0, 'f', 0);
  }
  return r;
}

}  // namespace attnscope::ui
