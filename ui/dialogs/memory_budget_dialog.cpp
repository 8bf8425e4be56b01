#include "ui/dialogs/memory_budget_dialog.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "core/pipeline/memory_budget.h"

namespace attnscope::ui {

namespace {
QString bytes(quint64 n) { return QString::fromStdString(format_bytes(n)); }
}  // namespace

MemoryBudgetDialog::MemoryBudgetDialog(const MemoryQuestion& q, QWidget* parent) : QDialog(parent), question_(q) {
  setWindowTitle(tr("Not enough memory for this run"));
  auto* layout = new QVBoxLayout(this);
  auto* intro = new QLabel(tr("<b>This input has %1 tokens.</b> Capturing the attention of all %2 layers would need about "
                              "<b>%3</b>, more than the memory budget of %4 (Run ▸ Memory budget…). Nothing has been "
                              "allocated and the current result is kept.")
                               .arg(q.seq_len)
                               .arg(q.num_layers)
                               .arg(bytes(q.needed), bytes(q.budget)));
  intro->setWordWrap(true);
  layout->addWidget(intro);

  fewer_ = new QRadioButton(tr("Capture only layers"));
  first_ = new QSpinBox;
  last_ = new QSpinBox;
  for (QSpinBox* b : {first_, last_}) b->setRange(0, std::max(0, q.num_layers - 1));
  if (!q.fitting_layers.empty()) {
    first_->setValue(q.fitting_layers.front());
    last_->setValue(q.fitting_layers.back());
  }
  auto* row = new QHBoxLayout;
  row->addWidget(fewer_);
  row->addWidget(first_);
  row->addWidget(new QLabel(tr("to")));
  row->addWidget(last_);
  row->addStretch();
  layout->addLayout(row);
  estimate_ = new QLabel;
  estimate_->setIndent(24);
  layout->addWidget(estimate_);
  anyway_ = new QRadioButton(tr("Capture all layers anyway (about %1; the machine may start swapping)").arg(bytes(q.needed)));
  layout->addWidget(anyway_);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
  buttons->button(QDialogButtonBox::Ok)->setText(tr("Run"));
  layout->addWidget(buttons);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  for (QSpinBox* b : {first_, last_}) connect(b, &QSpinBox::valueChanged, this, &MemoryBudgetDialog::updateEstimate);
  connect(fewer_, &QRadioButton::toggled, this, &MemoryBudgetDialog::updateEstimate);
  (q.fitting_layers.empty() ? anyway_ : fewer_)->setChecked(true);
  updateEstimate();
}

std::vector<int> MemoryBudgetDialog::layers() const {
  std::vector<int> out;
  if (!fewer_->isChecked()) return out;
  for (int l = std::min(first_->value(), last_->value()); l <= std::max(first_->value(), last_->value()); ++l) out.push_back(l);
  return out;
}

void MemoryBudgetDialog::updateEstimate() {
  first_->setEnabled(fewer_->isChecked());
  last_->setEnabled(fewer_->isChecked());
  const int n = static_cast<int>(layers().size());
  if (n == 0) {
    estimate_->setText(question_.fitting_layers.empty() ? tr("Not even one layer fits the budget.") : QString());
    return;
  }
  const quint64 total = question_.fixed + question_.per_layer * quint64(n);
  estimate_->setText(tr("%n layer(s): about %1%2", nullptr, n)
                         .arg(bytes(total), total > question_.budget ? tr(" — over the budget") : tr(" — within the budget")));
}

}  // namespace attnscope::ui
