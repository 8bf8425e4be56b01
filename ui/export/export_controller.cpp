#include "ui/export/export_controller.h"

#include <QFileInfo>

#include "core/analysis/head_stats.h"
#include "core/common/error.h"
#include "core/export/analysis_export.h"
#include "core/io/atomic_file.h"
#include "ui/document/analysis_document.h"
#include "ui/export/figures.h"
#include "ui/export/provenance.h"

namespace attnscope::ui {

ExportController::ExportController(AnalysisDocument* document, QObject* parent) : QObject(parent), document_(document) {}

std::map<FigurePreset, QSizeF> ExportController::pageSizesInches(ViewKind view) const {
  std::map<FigurePreset, QSizeF> out;
  try {
    FigureRequest req;
    req.view = view;
    req.state = document_->state();
    const auto figure = make_figure(*document_, req);
    for (FigurePreset p : {FigurePreset::Natural, FigurePreset::SingleColumn, FigurePreset::DoubleColumn, FigurePreset::Slide})
      out[p] = preset_size(p, *figure);
  } catch (const Error&) {
  }
  return out;
}

QString ExportController::exportFigure(const FigureExportOptions& o) {
  try {
    FigureRequest req;
    req.view = o.view;
    req.state = document_->state();
    req.title = o.title;
    if (o.view == ViewKind::Matrix) req.zoom = document_->matrixZoom();
    auto figure = make_figure(*document_, req);
    FigureFileOptions f;
    f.size_inches = o.size_inches;
    f.dpi = o.dpi;
    f.overwrite = o.overwrite;
    f.title = figure_title(*document_, req.state, o.view);
    const QSizeF inches = write_figure(*figure, o.path, f);
    if (o.sidecar) {
      FigureInfo info;
      info.file = o.path;
      info.format = QFileInfo(o.path).suffix().toLower();
      info.view = o.view;
      info.dpi = info.format == "png" ? o.dpi : 0;
      info.width_inches = inches.width();
      info.height_inches = inches.height();
      info.zoom = req.zoom;
      write_sidecar(*document_, req.state, info, o.overwrite);
    }
  } catch (const Error& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}

QString ExportController::exportData(const QString& path, bool overwrite) {
  if (!document_->hasAnalysis()) return tr("Nothing to export yet: run an input first.");
  try {
    // The run, and what was derived from it in the window (the bundle borrows them: keep them alive).
    TensorBundle bundle = bundle_analysis(*document_->analysis());
    const auto norms = document_->valueNorms();
    const auto contributions = document_->contributions();
    const auto ablation = document_->ablation();
    if (norms) add_value_norms(bundle, *norms);
    if (contributions) add_contributions(bundle, *contributions);
    if (ablation) {
      bundle.add_view("ablation_logit_change", ablation->logit_change);
      bundle.add_view("ablation_probability_change", ablation->probability_change);
    }
    Tensor lens_probabilities;  // [layers, positions, k], as the Lens view shows them
    if (const auto lens = document_->lens()) {
      const Shape shape = {static_cast<int64_t>(lens->layers.size()), lens->positions, lens->top_k};
      lens_probabilities = Tensor(shape);
      std::vector<int64_t> ids(lens->top.size());
      for (size_t i = 0; i < lens->top.size(); ++i) {
        ids[i] = lens->top[i].id;
        lens_probabilities.data[i] = lens->top[i].probability;
      }
      bundle.add_ints("lens_token_ids", ids, shape);
      bundle.add_view("lens_probabilities", lens_probabilities);
      bundle.fields["lens_layers"] = lens->layers;
    }
    write_bundle(bundle, path.toStdString(), overwrite);
  } catch (const Error& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}

QString ExportController::exportHeadStats(const QString& path, bool overwrite) {
  if (!document_->hasAnalysis()) return tr("Nothing to export yet: run an input first.");
  try {
    const std::string text = QFileInfo(path).suffix().toLower() == "json" ? head_stats_json(document_->headStats()).dump(2) + "\n"
                                                                          : head_stats_csv(document_->headStats());
    AtomicFile out(path.toStdString(), overwrite);
    out.write(text);
    out.commit();
  } catch (const Error& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}

QStringList ExportController::existingBatchFiles(BatchScope scope, ViewKind view, const QString& folder, FigureFormat format,
                                                 bool overview) const {
  QStringList out;
  for (const BatchItem& item : batch_items(*document_, scope, view, folder, format, overview))
    if (QFileInfo::exists(item.path) || QFileInfo::exists(sidecar_path(item.path))) out << item.path;
  return out;
}

BatchExporter* ExportController::startBatch(BatchScope scope, ViewKind view, const QString& folder, FigureFormat format, double dpi,
                                            bool overview, bool sidecars, bool overwrite) {
  FigureFileOptions o;
  o.dpi = dpi;
  o.overwrite = overwrite;
  auto* batch = new BatchExporter(document_, batch_items(*document_, scope, view, folder, format, overview), o, sidecars, this);
  connect(batch, &BatchExporter::finished, batch, &QObject::deleteLater);
  batch->start();
  return batch;
}

}  // namespace attnscope::ui
