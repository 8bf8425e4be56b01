#include "ui/panels/model_panel.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QFont>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "core/pipeline/model_discovery.h"
#include "core/pipeline/model_summary.h"
#include "ui/app/session.h"

namespace attnscope::ui {

ModelPanel::ModelPanel(Session* session, QWidget* parent) : QWidget(parent), session_(session), list_(new QTreeWidget(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  list_->setColumnCount(3);
  list_->setHeaderLabels({tr("Model"), tr("Type"), tr("L×H")});
  list_->setRootIsDecorated(false);
  list_->setIndentation(10);
  list_->setUniformRowHeights(true);
  list_->header()->setSectionResizeMode(0, QHeaderView::Stretch);
  list_->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
  list_->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
  list_->setObjectName("modelList");
  layout->addWidget(list_, 1);

  empty_ = new QLabel(this);
  empty_->setWordWrap(true);
  empty_->setTextFormat(Qt::RichText);
  empty_->setText(tr("<b>No models found</b>, not even the built-in ones (set <tt>ATTNSCOPE_DATA_DIR</tt> to "
                     "the folder holding <tt>models/</tt>). Attnscope reads Hugging Face model folders "
                     "(<tt>config.json</tt>, <tt>model.safetensors</tt>, tokenizer files): list yours in "
                     "<tt>ATTNSCOPE_MODEL_PATH</tt>, use <i>Open folder…</i>, or <i>Download…</i> one from the Hugging Face Hub."));
  layout->addWidget(empty_);

  auto* buttons = new QHBoxLayout;
  auto* open = new QPushButton(tr("Open folder…"), this);
  auto* refresh_button = new QPushButton(tr("Refresh"), this);
  auto* download = new QPushButton(tr("Download…"), this);
  download->setToolTip(tr("Download a model from the Hugging Face Hub into its cache"));
  buttons->addWidget(open);
  buttons->addWidget(download);
  buttons->addWidget(refresh_button);
  layout->addLayout(buttons);
  connect(open, &QPushButton::clicked, this, &ModelPanel::chooseFolder);
  connect(download, &QPushButton::clicked, this, &ModelPanel::downloadRequested);
  connect(refresh_button, &QPushButton::clicked, this, &ModelPanel::refresh);
  connect(list_, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) {
    if (item && item->parent()) emit openRequested(item->data(0, Qt::UserRole).toString());
  });
  connect(session_, &Session::recentModelsChanged, this, &ModelPanel::refresh);
  refresh();
}

int ModelPanel::modelCount() const {
  int n = 0;
  for (int i = 0; i < list_->topLevelItemCount(); ++i) n += list_->topLevelItem(i)->childCount();
  return n;
}

namespace {
QString group_title(const std::string& source) {
  if (source == "builtin") return ModelPanel::tr("Built-in");
  if (source == "recent") return ModelPanel::tr("Recent");
  if (source == "hf-cache") return ModelPanel::tr("Hugging Face cache");
  if (source == "folder") return ModelPanel::tr("Folders");
  return QString::fromStdString(source);  // ATTNSCOPE_MODEL_PATH
}
}  // namespace

void ModelPanel::refresh() {
  DiscoveryOptions o;
  for (const QString& r : session_->recentModels()) o.recent.emplace_back(r.toStdString());
  list_->clear();
  QTreeWidgetItem* group = nullptr;
  std::string group_source;
  for (const ModelEntry& e : discover_models(o)) {
    if (!group || e.source != group_source) {
      group = new QTreeWidgetItem(list_);
      group->setText(0, group_title(e.source));
      QFont bold = group->font(0);
      bold.setBold(true);
      group->setFont(0, bold);
      group->setFlags(Qt::ItemIsEnabled);
      group->setFirstColumnSpanned(true);
      group->setExpanded(true);
      group_source = e.source;
    }
    auto* item = new QTreeWidgetItem(group);
    item->setText(0, QString::fromStdString(e.name));
    item->setText(1, QString::fromStdString(e.model_type.empty() ? "?" : e.model_type));
    item->setText(2, e.layers ? QString("%1×%2").arg(e.layers).arg(e.heads) : QString());
    item->setData(0, Qt::UserRole, QString::fromStdString(e.dir.string()));
    QString tip = e.source == "builtin" ? tr("Ships with Attnscope: --model builtin:%1").arg(QString::fromStdString(e.name)) + "\n"
                                        : QString();
    tip += QString::fromStdString(e.dir.string()) + "\n" + QString::fromStdString(e.architecture) + ", " +
           QString::fromStdString(human_bytes(e.weights_bytes)) + "\n" + tr("found in: %1").arg(group_title(e.source));
    if (!e.problem.empty()) {
      tip += "\n" + tr("problem: %1").arg(QString::fromStdString(e.problem));
      item->setForeground(0, palette().brush(QPalette::Disabled, QPalette::Text));
    }
    for (int c = 0; c < 3; ++c) item->setToolTip(c, tip);
  }
  empty_->setVisible(modelCount() == 0);
}

void ModelPanel::chooseFolder() {
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a Hugging Face model folder"));
  if (!dir.isEmpty()) emit openRequested(dir);
}

}  // namespace attnscope::ui
