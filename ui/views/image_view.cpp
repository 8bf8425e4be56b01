#include "ui/views/image_view.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QContextMenuEvent>
#include <QLabel>
#include <QMenu>
#include <QMouseEvent>
#include <QSlider>
#include <QToolTip>
#include <QVBoxLayout>

#include "core/analysis/display_norm.h"
#include "core/analysis/mass_threshold.h"
#include "core/analysis/token_roles.h"
#include "core/pipeline/derived_maps.h"
#include "ui/document/analysis_document.h"
#include "ui/views/lazy_refresh.h"
#include "ui/document/map_builder.h"
#include "ui/render/image_overlay_renderer.h"
#include "ui/views/renderer_view.h"

namespace attnscope::ui {

ImageView::ImageView(AnalysisDocument* document, QWidget* parent) : QWidget(parent), document_(document), canvas_(new RendererView) {
  auto* l = new QVBoxLayout(this);
  l->setContentsMargins(0, 0, 0, 0);
  auto* bar = new QHBoxLayout;
  opacity_ = new QSlider(Qt::Horizontal);
  opacity_->setObjectName("opacitySlider");
  opacity_->setRange(0, 100);
  opacity_->setMaximumWidth(160);
  smooth_ = new QCheckBox(tr("Smooth"));
  smooth_->setObjectName("smoothCheck");
  smooth_->setToolTip(tr("Bicubic upsampling of the patch grid; off: one flat cell per patch"));
  threshold_ = new QCheckBox(tr("Mass contour"));
  threshold_->setObjectName("thresholdCheck");
  threshold_->setToolTip(tr("Outline the smallest set of patches holding this fraction of the map's mass (DINO)"));
  registers_ = new QCheckBox(tr("Registers"));
  registers_->setObjectName("registersCheck");
  registers_->setToolTip(tr("DINOv2 with registers: show the registers' weights beside the photo, on one scale with the patches"));
  tau_ = new QDoubleSpinBox;
  tau_->setRange(0.05, 1.0);
  tau_->setSingleStep(0.05);
  query_ = new QComboBox;
  query_->setObjectName("imageQueryCombo");
  query_->setToolTip(tr("The query row drawn over the photo: a prefix token, or click a patch"));
  bar->addWidget(new QLabel(tr("Query")));
  bar->addWidget(query_);
  bar->addWidget(new QLabel(tr("Opacity")));
  bar->addWidget(opacity_);
  bar->addWidget(smooth_);
  bar->addWidget(threshold_);
  bar->addWidget(tau_);
  bar->addWidget(registers_);
  bar->addStretch();
  l->addLayout(bar);
  l->addWidget(canvas_, 1);
  canvas_->installEventFilter(this);
  canvas_->setZoomable(true);
  canvas_->setMouseTracking(true);
  canvas_->setToolTip(tr("Click a patch to make it the query; right-click to exclude it; wheel zooms, drag pans, double click fits"));

  auto edit = [this](auto&& change) {
    if (syncing_) return;
    ViewState s = document_->state();
    change(s);
    document_->setState(s);
  };
  connect(opacity_, &QSlider::valueChanged, this, [edit](int v) { edit([v](ViewState& s) { s.overlay_opacity = v / 100.0; }); });
  connect(smooth_, &QCheckBox::toggled, this, [edit](bool on) { edit([on](ViewState& s) { s.smooth_overlay = on; }); });
  connect(threshold_, &QCheckBox::toggled, this, [edit](bool on) { edit([on](ViewState& s) { s.show_threshold = on; }); });
  connect(registers_, &QCheckBox::toggled, this, [edit](bool on) { edit([on](ViewState& s) { s.show_registers = on; }); });
  connect(tau_, qOverload<double>(&QDoubleSpinBox::valueChanged), this, [edit](double v) { edit([v](ViewState& s) { s.threshold = v; }); });
  connect(query_, qOverload<int>(&QComboBox::activated), this, [this](int i) {
    const int token = query_->itemData(i).toInt();
    if (token >= 0) document_->setQuery(token);
  });
  auto* lazy = new LazyRefresh(this, [this] { refresh(); });
  connect(document_, &AnalysisDocument::analysisChanged, lazy, &LazyRefresh::request);
  connect(document_, &AnalysisDocument::stateChanged, lazy, &LazyRefresh::request);
  refresh();
}

std::unique_ptr<ImageOverlayRenderer> ImageView::makeRenderer(const AnalysisDocument& doc, const ViewState& s) {
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

void ImageView::refresh() {
  syncing_ = true;
  const ViewState& s = document_->state();
  opacity_->setValue(static_cast<int>(std::lround(s.overlay_opacity * 100)));
  smooth_->setChecked(s.smooth_overlay);
  threshold_->setChecked(s.show_threshold);
  tau_->setValue(s.threshold);
  tau_->setEnabled(s.show_threshold);
  registers_->setChecked(s.show_registers);
  registers_->setVisible(document_->analyzer() && document_->analyzer()->info().num_register_tokens > 0);
  query_->clear();
  if (document_->hasAnalysis() && document_->analysis()->model.modality == Modality::Image) {
    const QStringList labels = document_->tokenLabels();
    const int prefix = document_->analysis()->geometry.prefix_tokens, query = document_->effectiveQuery();
    for (int t = 0; t < prefix; ++t) query_->addItem(labels.value(t), t);
    if (query >= prefix) query_->addItem(tr("patch %1").arg(labels.value(query)), -1);
    query_->setCurrentIndex(query >= prefix ? query_->count() - 1 : query);
  }
  query_->setEnabled(query_->count() > 1);
  syncing_ = false;
  auto r = makeRenderer(*document_, document_->state());
  r->scaled_photo = scaled_photo_;
  canvas_->setRenderer(std::move(r));
}

bool ImageView::eventFilter(QObject* watched, QEvent* event) {
  if (watched != canvas_ || !canvas_->renderer()) return false;
  const auto* r = static_cast<const ImageOverlayRenderer*>(canvas_->renderer());
  // A click (not the end of a pan) makes the patch under it the query; outside the patches, CLS.
  if (event->type() == QEvent::MouseButtonRelease && static_cast<QMouseEvent*>(event)->button() == Qt::LeftButton && !canvas_->panning()) {
    const int patch = r->patchAt(canvas_->rect(), canvas_->toFigure(static_cast<QMouseEvent*>(event)->position()));
    document_->setQuery(patch >= 0 ? r->geometry.prefix_tokens + patch : -1);
    return false;
  }
  if (event->type() == QEvent::ContextMenu) {
    const auto* e = static_cast<QContextMenuEvent*>(event);
    const int patch = r->patchAt(canvas_->rect(), canvas_->toFigure(e->pos()));
    auto* menu = new QMenu(canvas_);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    QList<int> excluded = document_->state().excluded_patches;
    if (patch >= 0) {
      const bool out = excluded.contains(patch);
      const QString where = QString("(%1, %2)").arg(patch / r->geometry.cols).arg(patch % r->geometry.cols);
      menu->addAction(out ? tr("Include patch %1 again").arg(where) : tr("Exclude patch %1 and renormalise the rest").arg(where), this,
                      [this, patch, out] {
                        ViewState s = document_->state();
                        if (out) s.excluded_patches.removeAll(patch);
                        else s.excluded_patches << patch;
                        document_->setState(s);
                      });
    }
    if (!excluded.isEmpty())
      menu->addAction(tr("Include all patches again"), this, [this] {
        ViewState s = document_->state();
        s.excluded_patches.clear();
        document_->setState(s);
      });
    if (menu->isEmpty()) {
      delete menu;
      return true;
    }
    menu->popup(e->globalPos());
    return true;
  }
  if (event->type() == QEvent::ToolTip) {
    const auto* help = static_cast<QHelpEvent*>(event);
    const int patch = r->patchAt(canvas_->rect(), canvas_->toFigure(help->pos()));
    if (patch < 0 || r->patch_values.size() != r->geometry.num_patches()) {
      QToolTip::showText(help->globalPos(), canvas_->toolTip(), canvas_);
      return true;
    }
    const int row = patch / r->geometry.cols, col = patch % r->geometry.cols;
    const double value = r->patch_values(row, col), mean = r->patch_values.mean();
    QToolTip::showText(help->globalPos(),
                       tr("patch (%1, %2) · token %3\n%4: %5 (%6× the mean patch)")
                           .arg(row)
                           .arg(col)
                           .arg(r->geometry.prefix_tokens + patch)
                           .arg(r->subject)
                           .arg(value, 0, 'g', 4)
                           .arg(mean > 0 ? value / mean : 0.0, 0, 'f', 1),
                       canvas_);
    return true;
  }
  return false;
}

}  // namespace attnscope::ui
