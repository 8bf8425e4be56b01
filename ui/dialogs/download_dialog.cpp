#include "ui/dialogs/download_dialog.h"

#include <QDialogButtonBox>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "core/common/text.h"
#include "core/hub/hub_client.h"
#include "ui/workers/download_job.h"

namespace attnscope::ui {
namespace {

struct KnownModel {
  const char* repo;
  const char* size;  // the default file set, as listed on the Hub
  const char* what;
};

// Checkpoints whose architecture Attnscope runs and that publish safetensors.
const KnownModel kKnown[] = {
    {"google-bert/bert-base-uncased", "440 MB", QT_TRANSLATE_NOOP("attnscope::ui::DownloadDialog", "BERT base, English, masked LM")},
    {"distilbert/distilbert-base-uncased", "268 MB", QT_TRANSLATE_NOOP("attnscope::ui::DownloadDialog", "DistilBERT, 6 layers")},
    {"FacebookAI/roberta-base", "499 MB", QT_TRANSLATE_NOOP("attnscope::ui::DownloadDialog", "RoBERTa base, byte-level BPE")},
    {"openai-community/gpt2", "548 MB", QT_TRANSLATE_NOOP("attnscope::ui::DownloadDialog", "GPT-2 small, causal LM")},
    {"Qwen/Qwen2.5-0.5B", "988 MB", QT_TRANSLATE_NOOP("attnscope::ui::DownloadDialog", "Qwen2.5 0.5B, causal LM")},
    {"meta-llama/Llama-3.2-1B", "2.5 GB", QT_TRANSLATE_NOOP("attnscope::ui::DownloadDialog", "Llama 3.2 1B, gated: accept the licence and set a token")},
    {"google/vit-base-patch16-224", "346 MB", QT_TRANSLATE_NOOP("attnscope::ui::DownloadDialog", "ViT-B/16, ImageNet classifier")},
    {"facebook/deit-tiny-patch16-224", "23 MB", QT_TRANSLATE_NOOP("attnscope::ui::DownloadDialog", "DeiT-Ti, ImageNet classifier")},
    {"facebook/dino-vits16", "87 MB", QT_TRANSLATE_NOOP("attnscope::ui::DownloadDialog", "DINO ViT-S/16, self-supervised")},
};

QString bytes_text(double b) { return QString::fromStdString(human_bytes(static_cast<uint64_t>(b))); }
QString duration_text(double s) { return QString::fromStdString(human_duration(s)); }

// Progress bars count in KB so that multi-gigabyte files fit in an int.
int kb(uint64_t bytes) { return static_cast<int>(bytes / 1024); }

}  // namespace

DownloadDialog::DownloadDialog(QWidget* parent) : QDialog(parent), job_(new DownloadJob(this)) {
  setWindowTitle(tr("Download a model from the Hugging Face Hub"));
  setObjectName("downloadDialog");
  auto* layout = new QVBoxLayout(this);

  auto* row = new QHBoxLayout;
  row->addWidget(new QLabel(tr("Repository:")));
  repo_ = new QLineEdit;
  repo_->setObjectName("repoEdit");
  repo_->setPlaceholderText(tr("org/name or org/name@revision"));
  repo_->setToolTip(tr("A model repo id as on huggingface.co, e.g. openai-community/gpt2; @revision picks a branch, tag or commit"));
  row->addWidget(repo_, 1);
  repo_->setFocus();
  list_button_ = new QPushButton(tr("&List files"));
  list_button_->setToolTip(tr("Ask the Hub which files this revision has (Enter)"));
  row->addWidget(list_button_);
  layout->addLayout(row);

  layout->addWidget(new QLabel(tr("Known to work (click to choose):")));
  known_ = new QTreeWidget;
  known_->setObjectName("knownModels");
  known_->setHeaderLabels({tr("Repository"), tr("Size"), tr("Model")});
  known_->setRootIsDecorated(false);
  for (const auto& k : kKnown) {
    auto* item = new QTreeWidgetItem(known_, {k.repo, k.size, tr(k.what)});
    item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
  }
  known_->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  known_->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
  known_->setMaximumHeight(170);
  layout->addWidget(known_);

  files_ = new QTreeWidget;
  files_->setObjectName("planFiles");
  files_->setHeaderLabels({tr("File"), tr("Size"), tr("State")});
  files_->setRootIsDecorated(false);
  files_->header()->setSectionResizeMode(0, QHeaderView::Stretch);
  layout->addWidget(files_, 1);
  summary_ = new QLabel(tr("Weights come only as safetensors; configs, tokenizer files and README.md come with them. "
                           "Pickle and code files (.bin, .pt, .ckpt, .h5, .py, …) are never downloaded."));
  summary_->setWordWrap(true);
  summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(summary_);

  auto* grid = new QGridLayout;
  file_label_ = new QLabel(tr("File:"));
  file_bar_ = new QProgressBar;
  file_bar_->setObjectName("fileProgress");
  total_bar_ = new QProgressBar;
  total_bar_->setObjectName("totalProgress");
  speed_ = new QLabel;
  speed_->setObjectName("speedLabel");
  grid->addWidget(file_label_, 0, 0);
  grid->addWidget(file_bar_, 0, 1);
  grid->addWidget(new QLabel(tr("Total:")), 1, 0);
  grid->addWidget(total_bar_, 1, 1);
  grid->addWidget(speed_, 2, 1);
  grid->setColumnStretch(1, 1);
  layout->addLayout(grid);

  error_ = new QLabel;
  error_->setObjectName("downloadError");
  error_->setWordWrap(true);
  error_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  error_->setStyleSheet("color: #b00020");
  error_->hide();
  layout->addWidget(error_);

  auto* buttons = new QDialogButtonBox;
  download_ = buttons->addButton(tr("&Download"), QDialogButtonBox::AcceptRole);
  download_->setObjectName("downloadButton");
  cancel_ = buttons->addButton(tr("Cancel download"), QDialogButtonBox::ActionRole);
  cancel_->setToolTip(tr("Stop now; the parts downloaded so far are kept and a later download resumes them (Esc)"));
  close_ = buttons->addButton(QDialogButtonBox::Close);
  layout->addWidget(buttons);
  resize(760, 620);

  connect(repo_, &QLineEdit::returnPressed, this, &DownloadDialog::listFiles);
  connect(list_button_, &QPushButton::clicked, this, &DownloadDialog::listFiles);
  connect(known_, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem* item) { setRepo(item->text(0)); });
  connect(download_, &QPushButton::clicked, this, [this] {
    error_->hide();
    setBusy(true, true);
    job_->download();
  });
  connect(cancel_, &QPushButton::clicked, job_, &DownloadJob::cancel);
  connect(close_, &QPushButton::clicked, this, &DownloadDialog::reject);
  connect(job_, &DownloadJob::planReady, this, &DownloadDialog::showPlan);
  connect(job_, &DownloadJob::progress, this, &DownloadDialog::showProgress);
  connect(job_, &DownloadJob::failed, this, &DownloadDialog::showError);
  connect(job_, &DownloadJob::cancelled, this, [this] {
    setBusy(false, false);
    speed_->setText(tr("Cancelled. The parts downloaded so far are kept; Download resumes them."));
  });
  connect(job_, &DownloadJob::finished, this, [this](const QString& snapshot, const QString& repo) {
    setBusy(false, false);
    total_bar_->setValue(total_bar_->maximum());
    emit modelDownloaded(repo, snapshot);
    accept();
  });
  setBusy(false, false);
  download_->setEnabled(false);
}

DownloadDialog::~DownloadDialog() = default;

void DownloadDialog::setRepo(const QString& repo) {
  repo_->setText(repo);
  listFiles();
}

void DownloadDialog::listFiles() {
  if (downloading_ || repo_->text().trimmed().isEmpty()) return;
  error_->hide();
  files_->clear();
  summary_->setText(tr("Asking the Hub for the files of %1…").arg(repo_->text().trimmed()));
  download_->setEnabled(false);
  job_->resolve(repo_->text());
}

void DownloadDialog::showPlan() {
  const auto& plan = *job_->plan();
  files_->clear();
  for (const auto& f : plan.files) {
    auto* item = new QTreeWidgetItem(files_, {QString::fromStdString(f.path), bytes_text(static_cast<double>(f.size)),
                                              f.cached ? tr("in the cache") : tr("to download")});
    item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
  }
  for (const auto& s : plan.skipped) {
    auto* item = new QTreeWidgetItem(files_, {QString::fromStdString(s), QString(), tr("not downloaded")});
    item->setForeground(0, palette().brush(QPalette::Disabled, QPalette::Text));
  }
  files_->resizeColumnToContents(1);
  summary_->setText(tr("%1 at commit %2: %3 files, %4 — %5 to download into %6")
                        .arg(QString::fromStdString(plan.ref.text()), QString::fromStdString(plan.commit.substr(0, 10)))
                        .arg(plan.files.size())
                        .arg(bytes_text(static_cast<double>(plan.total_bytes)), bytes_text(static_cast<double>(plan.missing_bytes)),
                             QString::fromStdString(job_->options().env.cache_dir.string())));
  total_bar_->setRange(0, std::max(1, kb(plan.total_bytes)));
  total_bar_->setValue(0);
  file_bar_->setValue(0);
  download_->setEnabled(true);
  download_->setDefault(true);
}

void DownloadDialog::showProgress(const DownloadProgress& p) {
  file_label_->setText(tr("File %1 of %2:").arg(p.file_index + 1).arg(p.file_count));
  file_bar_->setRange(0, std::max(1, kb(p.file_total)));
  file_bar_->setValue(kb(p.file_done));
  file_bar_->setFormat(QString::fromStdString(p.file) + "  " + bytes_text(static_cast<double>(p.file_done)) + " / " +
                       bytes_text(static_cast<double>(p.file_total)));
  total_bar_->setRange(0, std::max(1, kb(p.total)));
  total_bar_->setValue(kb(p.done));
  total_bar_->setFormat(bytes_text(static_cast<double>(p.done)) + " / " + bytes_text(static_cast<double>(p.total)) + "  (%p%)");
  QString line = tr("%1/s, about %2 left").arg(bytes_text(p.bytes_per_second), duration_text(p.eta_seconds));
  if (p.stage == "verifying") line = tr("Checking %1's hash…").arg(QString::fromStdString(p.file));
  if (!p.note.empty()) line += " — " + QString::fromStdString(p.note);
  speed_->setText(line);
  if (auto* item = files_->topLevelItem(static_cast<int>(p.file_index)))
    item->setText(2, p.file_done >= p.file_total ? tr("done") : tr("downloading"));
}

void DownloadDialog::showError(const QString& message, int failure) {
  setBusy(false, false);
  QString hint;
  switch (static_cast<HubFailure>(failure)) {
    case HubFailure::Unauthorized: hint = tr("Gated or private repository."); break;
    case HubFailure::NotFound: hint = tr("Not found."); break;
    case HubFailure::Offline: hint = tr("Offline."); break;
    case HubFailure::DiskFull: hint = tr("Not enough disk space."); break;
    case HubFailure::HashMismatch: hint = tr("A file did not match its hash; nothing was kept."); break;
    case HubFailure::PickleOnly: hint = tr("Only pickle weights."); break;
    default: break;
  }
  error_->setText((hint.isEmpty() ? QString() : "<b>" + hint + "</b> ") + message.toHtmlEscaped());
  error_->show();
  if (!job_->plan()) summary_->clear();
}

void DownloadDialog::setBusy(bool busy, bool downloading) {
  downloading_ = downloading;
  repo_->setEnabled(!downloading);
  list_button_->setEnabled(!downloading);
  known_->setEnabled(!downloading);
  download_->setEnabled(!busy && job_->plan().has_value());
  cancel_->setEnabled(downloading);
  cancel_->setVisible(downloading);
}

void DownloadDialog::reject() {
  // Esc or Close while downloading cancels first; the dialog stays to show that it stopped.
  if (downloading_) {
    job_->cancel();
    return;
  }
  QDialog::reject();
}

}  // namespace attnscope::ui
