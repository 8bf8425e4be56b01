#include "ui/dialogs/batch_export_dialog.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace attnscope::ui {

BatchExportDialog::BatchExportDialog(ViewKind view, int layer, const QString& folder, QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("Batch export"));
  auto* form = new QFormLayout(this);
  auto* scopes = new QVBoxLayout;
  layer_heads_ = new QRadioButton(tr("Every head of layer %1").arg(layer));
  all_heads_ = new QRadioButton(tr("Every layer × head"));
  all_methods_ = new QRadioButton(tr("Every method for the selection (head, mean, max, min, rollout, flow if computed)"));
  layer_heads_->setChecked(true);
  for (auto* b : {layer_heads_, all_heads_, all_methods_}) scopes->addWidget(b);
  form->addRow(tr("Figures:"), scopes);
  view_ = new QComboBox;
  for (ViewKind v : {ViewKind::Matrix, ViewKind::Lines, ViewKind::Text, ViewKind::Image}) view_->addItem(to_string(v), int(v));
  view_->setCurrentIndex(std::max(0, view_->findData(int(view))));
  form->addRow(tr("View:"), view_);
  format_ = new QComboBox;
  for (FigureFormat f : {FigureFormat::Png, FigureFormat::Svg, FigureFormat::Pdf}) format_->addItem(to_string(f).toUpper(), int(f));
  form->addRow(tr("Format:"), format_);
  dpi_ = new QSpinBox;
  dpi_->setRange(72, 1200);
  dpi_->setValue(300);
  dpi_->setSuffix(tr(" dpi"));
  form->addRow(tr("PNG resolution:"), dpi_);
  auto* row = new QHBoxLayout;
  folder_ = new QLineEdit(folder);
  auto* browse = new QPushButton(tr("Browse…"));
  row->addWidget(folder_);
  row->addWidget(browse);
  form->addRow(tr("Folder:"), row);
  overview_ = new QCheckBox(tr("Also a one-page overview of every layer × head"));
  overview_->setChecked(true);
  form->addRow(overview_);
  sidecars_ = new QCheckBox(tr("Provenance file beside each figure"));
  sidecars_->setChecked(true);
  form->addRow(sidecars_);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
  form->addRow(buttons);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(browse, &QPushButton::clicked, this, [this] {
    const QString d = QFileDialog::getExistingDirectory(this, tr("Export into folder"), folder_->text());
    if (!d.isEmpty()) folder_->setText(d);
  });
  connect(format_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] { dpi_->setEnabled(format() == FigureFormat::Png); });
}

BatchScope BatchExportDialog::scope() const {
  if (all_heads_->isChecked()) return BatchScope::AllHeads;
  if (all_methods_->isChecked()) return BatchScope::AllMethods;
  return BatchScope::LayerHeads;
}
ViewKind BatchExportDialog::view() const { return ViewKind(view_->currentData().toInt()); }
FigureFormat BatchExportDialog::format() const { return FigureFormat(format_->currentData().toInt()); }
QString BatchExportDialog::folder() const { return folder_->text(); }
double BatchExportDialog::dpi() const { return dpi_->value(); }
bool BatchExportDialog::overview() const { return overview_->isChecked(); }
bool BatchExportDialog::sidecars() const { return sidecars_->isChecked(); }

}  // namespace attnscope::ui
