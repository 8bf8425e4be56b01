#pragma once

#include <QDialog>

#include "ui/export/batch_export.h"

class QCheckBox;
class QComboBox;
class QLineEdit;
class QRadioButton;
class QSpinBox;

namespace attnscope::ui {

// Collects the options of a batch export: which figures (heads of this layer, every head, every
// method), which view, format, folder and resolution. It exports nothing itself.
class BatchExportDialog : public QDialog {
  Q_OBJECT
 public:
  BatchExportDialog(ViewKind view, int layer, const QString& folder, QWidget* parent = nullptr);
  BatchScope scope() const;
  ViewKind view() const;
  FigureFormat format() const;
  QString folder() const;
  double dpi() const;
  bool overview() const;
  bool sidecars() const;

 private:
  QRadioButton* layer_heads_;
  QRadioButton* all_heads_;
  QRadioButton* all_methods_;
  QComboBox* view_;
  QComboBox* format_;
  QLineEdit* folder_;
  QSpinBox* dpi_;
  QCheckBox* overview_;
  QCheckBox* sidecars_;
};

}  // namespace attnscope::ui
