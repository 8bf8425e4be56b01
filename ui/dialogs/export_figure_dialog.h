#pragma once

#include <map>

#include <QDialog>

#include "ui/export/figure_writer.h"

#include "ui/export/export_controller.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace attnscope::ui {

// Collects the options of "Export view…": file (the extension picks PNG, SVG or PDF), size in
// inches, PNG resolution, title, provenance sidecar. It exports nothing itself.
class ExportFigureDialog : public QDialog {
  Q_OBJECT
 public:
  // `window_inches`: the view as on screen; `page_inches`: the figure's size at each preset (Natural
  // first, the default).
  ExportFigureDialog(ViewKind view, QSizeF window_inches, const std::map<FigurePreset, QSizeF>& page_inches, const QString& default_path,
                     QWidget* parent = nullptr);
  FigureExportOptions options() const;

 private:
  void browse();
  void updateHint();
  ViewKind view_;
  QLineEdit* path_;
  QComboBox* preset_;
  QDoubleSpinBox* width_;
  QDoubleSpinBox* height_;
  QSpinBox* dpi_;
  QCheckBox* title_;
  QCheckBox* sidecar_;
  QLabel* hint_;
};

}  // namespace attnscope::ui
