#include "ui/views/welcome_view.h"

#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QGridLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include "ui/app/samples.h"
#include "ui/app/session.h"

namespace attnscope::ui {

WelcomeView::WelcomeView(Session* session, QWidget* parent) : QWidget(parent), session_(session) {
  auto* outer = new QVBoxLayout(this);
  outer->setContentsMargins(32, 24, 32, 24);
  auto* title = new QLabel(tr("<h2>Attnscope</h2><p>See what a transformer attends to, head by head.</p>"));
  outer->addWidget(title);

  // One click to a real result with what ships in the box, no download and no setup.
  auto* try_row = new QHBoxLayout;
  try_row->addWidget(new QLabel(tr("<b>Try it:</b>")));
  auto add_try = [&](const QString& label, const QString& tip, const char* model, const QString& input, ViewKind view) {
    LaunchOptions o;
    o.model = QString("builtin:%1").arg(model);
    (view == ViewKind::Image ? o.image : o.text_file) = QDir(samples_dir()).filePath(input);
    o.run = true;
    o.view = view;
    auto* b = new QPushButton(label);
    b->setObjectName(QString("try-%1").arg(model));
    b->setToolTip(tip);
    try_row->addWidget(b);
    connect(b, &QPushButton::clicked, this, [this, o] { emit launchRequested(o); });
  };
  add_try(tr("A cat photo with ViT-Ti"), tr("The built-in ViT-Ti/16 (ImageNet) on samples/images/chelsea.png, in the Image view"),
          "vit-tiny", "images/chelsea.png", ViewKind::Image);
  add_try(tr("A story with stories260K"),
          tr("The built-in stories260K (a tiny Llama trained on TinyStories) on a short story, in the Matrix view"),
          "stories260K", "texts/09-story.txt", ViewKind::Matrix);
  try_row->addStretch();
  outer->addLayout(try_row);

  model_line_ = new QLabel;
  model_line_->setWordWrap(true);
  outer->addWidget(model_line_);
  auto* model_buttons = new QHBoxLayout;
  auto* open = new QPushButton(tr("Open model folder…"));
  auto* download = new QPushButton(tr("Download a model…"));
  download->setToolTip(tr("Fetch a checkpoint from the Hugging Face Hub (safetensors only) into the cache Python's tools share"));
  model_buttons->addWidget(open);
  model_buttons->addWidget(download);
  model_buttons->addStretch();
  outer->addLayout(model_buttons);
  connect(open, &QPushButton::clicked, this, &WelcomeView::openModelRequested);
  connect(download, &QPushButton::clicked, this, &WelcomeView::downloadRequested);

  outer->addWidget(new QLabel(tr("<h3>2. Choose a sample</h3><p>Texts on the left, photos on the right; "
                                 "a sample runs at once when the open model takes that kind of input.</p>")));
  auto* grid = new QGridLayout;
  int row = 0;
  for (const QString& t : sample_texts()) {
    auto* b = new QPushButton(sample_title(t));
    b->setFlat(true);
    b->setStyleSheet("text-align: left");
    connect(b, &QPushButton::clicked, this, [this, t] { emit sampleTextChosen(t); });
    grid->addWidget(b, row++, 0);
  }
  row = 0;
  for (const QString& i : sample_images()) {
    auto* b = new QPushButton(sample_title(i));
    b->setFlat(true);
    b->setStyleSheet("text-align: left");
    connect(b, &QPushButton::clicked, this, [this, i] { emit sampleImageChosen(i); });
    grid->addWidget(b, row++, 1);
  }
  outer->addLayout(grid);
  outer->addWidget(new QLabel(tr("<h3>3. Run and explore</h3>"
                                 "<p><b>Ctrl+R</b> runs, <b>Esc</b> cancels. In a view, <b>←/→</b> step through heads and "
                                 "<b>↑/↓</b> through layers; <b>Ctrl+1…9</b> switch views; the wheel zooms and dragging pans.</p>")));
  outer->addStretch();
  connect(session_->document(), &AnalysisDocument::analyzerChanged, this, &WelcomeView::refresh);
  refresh();
}

void WelcomeView::refresh() {
  const auto& a = session_->document()->analyzer();
  if (a) {
    const auto& i = a->info();
    model_line_->setText(tr("<h3>1. Model</h3><p><b>%1</b>: %2, %3 layers × %4 heads — %5 input.</p>")
                             .arg(session_->document()->modelName(), QString::fromStdString(i.architecture))
                             .arg(i.num_layers)
                             .arg(i.num_heads)
                             .arg(i.modality == Modality::Image ? tr("image") : tr("text")));
  } else {
    model_line_->setText(tr("<h3>1. Choose a model</h3><p>Pick one in the <i>Models</i> panel: the built-in "
                            "<b>vit-tiny</b> (ViT-Ti/16, ImageNet) and <b>stories260K</b> (a tiny Llama), models in the "
                            "Hugging Face cache, in <tt>ATTNSCOPE_MODEL_PATH</tt> or used recently; open any "
                            "Hugging Face model folder, or download one from the Hub.</p>"));
  }
}

}  // namespace attnscope::ui
