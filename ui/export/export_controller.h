#pragma once

#include <map>

#include <QObject>
#include <QSizeF>
#include <QString>

#include "ui/document/view_state.h"
#include "ui/export/batch_export.h"
#include "ui/export/figure_writer.h"

namespace attnscope::ui {

class AnalysisDocument;

// The figure options the export dialog collects.
struct FigureExportOptions {
  QString path;
  ViewKind view = ViewKind::Matrix;
  QSizeF size_inches;    // empty: the figure's natural size
  double dpi = 300;      // PNG
  bool title = true;
  bool sidecar = true;   // write NAME.attnscope.json beside it
  bool overwrite = false;
};

// Exports of the current document: one view as a figure (exactly the selection, colour map, scale
// and matrix zoom on screen), batches, the raw result and the head statistics. Errors come back
// as messages; nothing here shows UI.
class ExportController : public QObject {
  Q_OBJECT
 public:
  explicit ExportController(AnalysisDocument* document, QObject* parent = nullptr);

  // Each returns an empty string on success, else the message to show.
  QString exportFigure(const FigureExportOptions& options);
  QString exportData(const QString& path, bool overwrite);         // .npz / .safetensors / .json
  QString exportHeadStats(const QString& path, bool overwrite);    // .csv / .json
  // The page of `view`'s figure at each preset (empty sizes when there is nothing to draw).
  std::map<FigurePreset, QSizeF> pageSizesInches(ViewKind view) const;

  BatchExporter* startBatch(BatchScope scope, ViewKind view, const QString& folder, FigureFormat format, double dpi, bool overview,
                            bool sidecars, bool overwrite);
  // Files a batch would write that exist already.
  QStringList existingBatchFiles(BatchScope scope, ViewKind view, const QString& folder, FigureFormat format, bool overview) const;

 private:
  AnalysisDocument* document_;
};

}  // namespace attnscope::ui
