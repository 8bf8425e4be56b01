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

#include "ui/document/analysis_document.h"
#include "ui/figures/image_figure.h"
#include "ui/views/lazy_refresh.h"
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
  auto r = image_figure(*document_, document_->state());
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
