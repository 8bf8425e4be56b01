#include "ui/dialogs/export_figure_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QSignalBlocker>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

#include "ui/export/figure_writer.h"

namespace attnscope::ui {

ExportFigureDialog::ExportFigureDialog(ViewKind view, QSizeF inches, const std::map<FigurePreset, QSizeF>& pages, const QString& default_path,
                                       QWidget* parent)
    : QDialog(parent), view_(view) {
  setWindowTitle(tr("Export %1 view").arg(to_string(view)));
  auto* form = new QFormLayout(this);
  auto* row = new QHBoxLayout;
  path_ = new QLineEdit(default_path);
  path_->setObjectName("exportPath");
  path_->setMinimumWidth(360);
  auto* browse = new QPushButton(tr("Browse…"));
  row->addWidget(path_);
  row->addWidget(browse);
  form->addRow(tr("File (.png, .svg, .pdf):"), row);
  width_ = new QDoubleSpinBox;
  height_ = new QDoubleSpinBox;
  for (QDoubleSpinBox* b : {width_, height_}) {
    b->setRange(1.0, 40.0);
    b->setDecimals(2);
    b->setSingleStep(0.5);
    b->setSuffix(tr(" in"));
  }
  preset_ = new QComboBox;
  preset_->setObjectName("exportPreset");
  auto fmt = [](QSizeF s) { return QString::fromUtf8("%1 \u00d7 %2 in").arg(s.width(), 0, 'f', 2).arg(s.height(), 0, 'f', 2); };
  auto page = [&](FigurePreset p) {
    const auto it = pages.find(p);
    return it != pages.end() && !it->second.isEmpty() ? it->second : preset_size(p, QSizeF());
  };
  const QSizeF fit = page(FigurePreset::Natural);
  preset_->addItem(tr("Fit the content (%1)").arg(fmt(fit)), fit);
  preset_->addItem(tr("Single column (%1)").arg(fmt(page(FigurePreset::SingleColumn))), page(FigurePreset::SingleColumn));
  preset_->addItem(tr("Double column (%1)").arg(fmt(page(FigurePreset::DoubleColumn))), page(FigurePreset::DoubleColumn));
  preset_->addItem(tr("Slide 16:9 (%1)").arg(fmt(page(FigurePreset::Slide))), page(FigurePreset::Slide));
  if (!inches.isEmpty()) preset_->addItem(tr("As in the window (%1)").arg(fmt(inches)), inches);
  preset_->addItem(tr("Custom"), QSizeF());
  preset_->setToolTip(tr("Column widths of two-column papers (3.3 and 6.9 in) keep the figure's proportions; text stays at its "
                         "size, so smaller figures hold fewer labels"));
  form->addRow(tr("Page:"), preset_);
  width_->setValue(fit.width());
  height_->setValue(fit.height());
  auto* size = new QHBoxLayout;
  size->addWidget(width_);
  size->addWidget(new QLabel(QString::fromUtf8("\u00d7")));
  size->addWidget(height_);
  form->addRow(tr("Size:"), size);
  dpi_ = new QSpinBox;
  dpi_->setObjectName("exportDpi");
  dpi_->setRange(72, 1200);
  dpi_->setValue(300);
  dpi_->setSuffix(tr(" dpi"));
  form->addRow(tr("PNG resolution:"), dpi_);
  title_ = new QCheckBox(tr("Title naming model, layer, head, method and scale"));
  title_->setChecked(true);
  form->addRow(title_);
  sidecar_ = new QCheckBox(tr("Provenance file NAME.attnscope.json (reopen it to restore this view)"));
  sidecar_->setChecked(true);
  form->addRow(sidecar_);
  hint_ = new QLabel;
  hint_->setWordWrap(true);
  form->addRow(hint_);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel);
  form->addRow(buttons);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(browse, &QPushButton::clicked, this, &ExportFigureDialog::browse);
  connect(preset_, qOverload<int>(&QComboBox::activated), this, [this](int i) {
    const QSizeF s = preset_->itemData(i).toSizeF();
    if (s.isEmpty()) return;  // custom: the boxes as they are
    const QSignalBlocker b1(width_), b2(height_);
    width_->setValue(s.width());
    height_->setValue(s.height());
    updateHint();
  });
  for (auto* w : {width_, height_})
    connect(w, qOverload<double>(&QDoubleSpinBox::valueChanged), this, [this] {
      preset_->setCurrentIndex(preset_->count() - 1);  // typed by hand: custom
      updateHint();
    });
  connect(dpi_, qOverload<int>(&QSpinBox::valueChanged), this, &ExportFigureDialog::updateHint);
  connect(path_, &QLineEdit::textChanged, this, &ExportFigureDialog::updateHint);
  updateHint();
}

void ExportFigureDialog::browse() {
  const QString p = QFileDialog::getSaveFileName(this, tr("Export view"), path_->text(), tr("PNG (*.png);;SVG (*.svg);;PDF (*.pdf)"),
                                                 nullptr, QFileDialog::DontConfirmOverwrite);
  if (!p.isEmpty()) path_->setText(p);
}

void ExportFigureDialog::updateHint() {
  const auto format = figure_format_for(path_->text());
  dpi_->setEnabled(format == FigureFormat::Png);
  if (!format) hint_->setText(tr("Use a .png, .svg or .pdf file name."));
  else if (*format == FigureFormat::Png)
    hint_->setText(tr("%1 × %2 pixels.").arg(qRound(width_->value() * dpi_->value())).arg(qRound(height_->value() * dpi_->value())));
  else hint_->setText(tr("Vector axes and real text; the attention cells are an embedded image."));
}

FigureExportOptions ExportFigureDialog::options() const {
  FigureExportOptions o;
  o.path = path_->text();
  o.view = view_;
  o.size_inches = QSizeF(width_->value(), height_->value());
  o.dpi = dpi_->value();
  o.title = title_->isChecked();
  o.sidecar = sidecar_->isChecked();
  return o;
}

}  // namespace attnscope::ui
