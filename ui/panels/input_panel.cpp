#include "ui/panels/input_panel.h"

#include <QGridLayout>
#include <QSpinBox>

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QImageReader>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPainter>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QVBoxLayout>

#include "core/common/error.h"
#include "core/common/parse.h"
#include "core/common/text.h"
#include "core/io/bounded_read.h"
#include "core/pipeline/memory_budget.h"
#include "core/tokenizers/tokenizer.h"
#include "ui/document/analysis_document.h"

namespace attnscope::ui {

namespace {
constexpr qint64 kEditorLimit = 256 * 1024;  // larger files are previewed, not edited
}

// The chosen photo scaled into whatever room the panel has (a QLabel pixmap would instead force
// the panel to the pixmap's size).
class ImagePreview : public QWidget {
 public:
  explicit ImagePreview(QWidget* parent = nullptr) : QWidget(parent) {
    setMinimumSize(120, 120);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  }
  void setImage(const QImage& image) {
    image_ = image;
    update();
  }

 protected:
  void paintEvent(QPaintEvent*) override {
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    if (image_.isNull()) {
      p.setPen(palette().color(QPalette::PlaceholderText));
      p.drawText(rect(), Qt::AlignCenter, InputPanel::tr("Drop an image here,\nor open or paste one."));
      return;
    }
    QSizeF s = image_.size();
    s.scale(size(), Qt::KeepAspectRatio);
    p.setRenderHint(QPainter::SmoothPixmapTransform);
    p.drawImage(QRectF(QPointF((width() - s.width()) / 2, (height() - s.height()) / 2), s), image_);
  }

 private:
  QImage image_;
};

InputPanel::InputPanel(AnalysisDocument* document, QWidget* parent)
    : QWidget(parent), document_(document), stack_(new QStackedWidget(this)) {
  setAcceptDrops(true);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addWidget(stack_);

  // text page
  auto* text_page = new QWidget;
  auto* tl = new QVBoxLayout(text_page);
  tl->setContentsMargins(0, 0, 0, 0);
  editor_ = new QPlainTextEdit;
  editor_->setObjectName("textInput");
  editor_->setPlaceholderText(tr("Type or paste a text, or open a sample (File ▸ Samples)…"));
  tl->addWidget(editor_, 1);
  big_note_ = new QLabel;
  big_note_->setWordWrap(true);
  big_note_->hide();
  tl->addWidget(big_note_);
  pair_label_ = new QLabel(tr("Second segment (optional):"));
  pair_ = new QLineEdit;
  pair_->setObjectName("textPairInput");
  pair_->setPlaceholderText(tr("sentence B of a pair"));
  tl->addWidget(pair_label_);
  tl->addWidget(pair_);
  seq2seq_ = new QWidget;
  auto* sl = new QGridLayout(seq2seq_);
  sl->setContentsMargins(0, 0, 0, 0);
  target_ = new QLineEdit;
  target_->setObjectName("targetInput");
  target_->setPlaceholderText(tr("target text, e.g. the translation"));
  target_->setToolTip(tr("Teacher forcing: the decoder reads this target shifted right, so every position's attention is the model's while producing it"));
  generate_ = new QSpinBox;
  generate_->setObjectName("generateSpin");
  generate_->setRange(1, 512);
  generate_->setValue(20);
  generate_->setToolTip(tr("With no target: decode greedily up to this many tokens (stops after </s>)"));
  auto* target_label = new QLabel(tr("&Target:"));
  target_label->setBuddy(target_);
  auto* generate_label = new QLabel(tr("or &generate up to"));
  generate_label->setBuddy(generate_);
  sl->addWidget(target_label, 0, 0);
  sl->addWidget(target_, 0, 1, 1, 2);
  sl->addWidget(generate_label, 1, 0, 1, 2, Qt::AlignRight);
  sl->addWidget(generate_, 1, 2);
  tl->addWidget(seq2seq_);
  auto* tb = new QHBoxLayout;
  auto* open_text = new QPushButton(tr("Open text file…"));
  auto* run_text = new QPushButton(tr("Run"));
  run_text->setToolTip(tr("Run the model on this text (Ctrl+R)"));
  tb->addWidget(open_text);
  tb->addStretch();
  tb->addWidget(run_text);
  tl->addLayout(tb);
  stack_->addWidget(text_page);
  connect(open_text, &QPushButton::clicked, this, &InputPanel::chooseTextFile);
  connect(run_text, &QPushButton::clicked, this, &InputPanel::runRequested);
  connect(editor_, &QPlainTextEdit::textChanged, this, [this] {
    if (!big_text_.isEmpty() && editor_->document()->isModified()) {
      big_text_.clear();
      big_note_->hide();
    }
  });

  // image page
  auto* image_page = new QWidget;
  auto* il = new QVBoxLayout(image_page);
  il->setContentsMargins(0, 0, 0, 0);
  image_ = new ImagePreview;
  image_->setObjectName("imageDropArea");
  il->addWidget(image_, 1);
  image_info_ = new QLabel;
  image_info_->setWordWrap(true);
  il->addWidget(image_info_);
  auto* size_row = new QHBoxLayout;
  size_ = new QComboBox;
  size_->setObjectName("imageSizeBox");
  size_->setEditable(true);
  size_->setInsertPolicy(QComboBox::NoInsert);
  size_->addItem(tr("model's preprocessing"));
  for (int side : {224, 384, 448, 480, 518, 640, 896}) size_->addItem(QString("%1×%1").arg(side));
  size_->setToolTip(tr("Resize the photo straight to this size (no crop) for finer, DINO-style maps: "
                       "a side such as 480, or width×height such as 640×480. More patches cost more time and memory."));
  auto* size_label = new QLabel(tr("Input size"));
  size_label->setBuddy(size_);
  size_row->addWidget(size_label);
  size_row->addWidget(size_, 1);
  il->addLayout(size_row);
  size_info_ = new QLabel;
  size_info_->setObjectName("imageSizeInfo");
  size_info_->setWordWrap(true);
  il->addWidget(size_info_);
  connect(size_, &QComboBox::currentTextChanged, this, &InputPanel::updateSizeInfo);
  auto* ib = new QHBoxLayout;
  auto* open_image = new QPushButton(tr("Open image…"));
  auto* paste = new QPushButton(tr("Paste"));
  auto* run_image = new QPushButton(tr("Run"));
  run_image->setToolTip(tr("Run the model on this image (Ctrl+R)"));
  ib->addWidget(open_image);
  ib->addWidget(paste);
  ib->addStretch();
  ib->addWidget(run_image);
  il->addLayout(ib);
  stack_->addWidget(image_page);
  connect(open_image, &QPushButton::clicked, this, &InputPanel::chooseImage);
  connect(paste, &QPushButton::clicked, this, &InputPanel::pasteImage);
  connect(run_image, &QPushButton::clicked, this, &InputPanel::runRequested);

  connect(document_, &AnalysisDocument::analyzerChanged, this, &InputPanel::updateMode);
  connect(document_, &AnalysisDocument::analysisChanged, this, &InputPanel::updateImageInfo);
  updateMode();
}

void InputPanel::updateImageInfo() {
  if (image_path_.isEmpty()) return image_info_->clear();
  QString text = QString("%1 · %2×%3").arg(QFileInfo(image_path_).fileName().toHtmlEscaped()).arg(image_pixels_.width()).arg(image_pixels_.height());
  // After a refused or failed run (or before the first), the photo here is not the one the views show.
  const AnalysisPtr& a = document_->analysis();
  if (a && !a->image_path.empty()) {
    const QString shown = QString::fromStdString(a->image_path.string());
    if (QFileInfo(shown).absoluteFilePath() != QFileInfo(image_path_).absoluteFilePath())
      text += QString("<br><span style='color:#8a5a00'>%1</span>")
                  .arg(tr("Not run yet: the views show %1. Run (Ctrl+R) to see this image.").arg(QFileInfo(shown).fileName()).toHtmlEscaped());
  }
  image_info_->setText(text);
}

std::optional<ImageSize> InputPanel::imageSize(QString* why) const {
  QString text = size_->currentText().trimmed();
  if (text.isEmpty() || text == size_->itemText(0)) return std::nullopt;
  text.replace(QChar(0x00d7), 'x');  // ×
  text.remove(' ');
  bool square = false;
  text.toInt(&square);
  if (square) text = text + "x" + text;
  try {
    return parse_image_size(text.toStdString(), tr("input size").toStdString());
  } catch (const Error& e) {
    if (why) *why = QString::fromStdString(e.what());
    return std::nullopt;
  }
}

void InputPanel::setImageSize(std::optional<ImageSize> size) {
  if (!size) size_->setCurrentIndex(0);
  else size_->setEditText(QString("%1×%2").arg(size->width).arg(size->height));
  updateSizeInfo();
}

void InputPanel::updateSizeInfo() {
  const auto& a = document_->analyzer();
  if (!a || a->info().modality != Modality::Image || !a->image_processor()) {
    size_info_->clear();
    return;
  }
  QString why;
  const std::optional<ImageSize> chosen = imageSize(&why);
  if (!why.isEmpty()) {
    size_info_->setText(QString("<span style='color:#b00020'>%1</span>").arg(why.toHtmlEscaped()));
    return;
  }
  const ModelInfo& info = a->info();
  if (!chosen && image_pixels_.isEmpty()) {
    size_info_->setText(tr("The model's preprocessing; open an image to see its patch grid."));
    return;
  }
  const ImageSize in = model_input_size(image_pixels_.width(), image_pixels_.height(), *a->image_processor(), chosen);
  const int rows = in.height / info.patch_size, cols = in.width / info.patch_size;
  const int tokens = rows * cols + info.num_prefix_tokens;
  ForwardOptions o;
  o.logits = LogitsMode::Last;
  const uint64_t bytes = estimate_run_memory(info, tokens, o).total();
  QString text = tr("Model input %1×%2 · %3×%4 patches · %5 tokens · about %6 for the run")
                     .arg(in.width)
                     .arg(in.height)
                     .arg(rows)
                     .arg(cols)
                     .arg(tokens)
                     .arg(QString::fromStdString(format_bytes(bytes)));
  const double squash = image_pixels_.isEmpty() || !chosen ? 1.0
                        : (static_cast<double>(in.width) / in.height) / (static_cast<double>(image_pixels_.width()) / image_pixels_.height());
  if (squash > 2.0 || squash < 0.5)
    text += QString("<br><span style='color:#b00020'>%1</span>")
                .arg(tr("This squashes the photo's aspect ratio by %1×; the model sees a distorted image.")
                         .arg(std::max(squash, 1.0 / squash), 0, 'f', 1));
  size_info_->setText(text);
}

bool InputPanel::imageMode() const { return stack_->currentIndex() == 1; }

void InputPanel::updateMode() {
  const auto& a = document_->analyzer();
  const bool image = a && a->info().modality == Modality::Image;
  stack_->setCurrentIndex(image ? 1 : 0);
  const bool pairs = a && a->tokenizer() && !a->tokenizer()->post_processor().pair.empty() && a->info().token_types;
  pair_label_->setVisible(pairs);
  pair_->setVisible(pairs);
  seq2seq_->setVisible(a && a->info().encoder_decoder);
  updateSizeInfo();
}

QString InputPanel::target() const { return !seq2seq_->isHidden() ? target_->text() : QString(); }
int InputPanel::generateTokens() const { return !seq2seq_->isHidden() && target_->text().isEmpty() ? generate_->value() : 0; }
void InputPanel::setTarget(const QString& target) { target_->setText(target); }
void InputPanel::setGenerateTokens(int tokens) {
  target_->clear();
  generate_->setValue(tokens);
}

QString InputPanel::text() const { return big_text_.isEmpty() ? editor_->toPlainText() : big_text_; }
void InputPanel::setTextPair(const QString& text) { pair_->setText(text); }

QString InputPanel::textPair() const { return pair_->isHidden() ? QString() : pair_->text(); }  // hidden: the model takes no pairs

void InputPanel::setText(const QString& text) {
  big_text_.clear();
  big_note_->hide();
  editor_->setPlainText(text);
}

bool InputPanel::loadTextFile(const QString& path) {
  // Only a regular file of at most kMaxInputTextBytes is opened: a FIFO would block this thread
  // and /dev/zero would never end (checked from the file's metadata, before reading).
  std::string bytes;
  try {
    bytes = read_file_bounded(path.toStdString(), QFileInfo(path).fileName().toStdString(), kMaxInputTextBytes, ErrorKind::Input);
    // QString would replace invalid bytes with U+FFFD without a word.
    require_utf8(bytes, QFileInfo(path).fileName().toStdString());
  } catch (const Error& e) {
    emit problem(tr("Cannot use this input: %1").arg(QString::fromStdString(printable(e.what()))));
    return false;
  } catch (const std::bad_alloc&) {
    emit problem(tr("Cannot use this input: not enough memory to read %1").arg(QDir::toNativeSeparators(path)));
    return false;
  }
  const size_t size = bytes.size();
  const QString text = QString::fromStdString(strip_final_newline(std::move(bytes)));
  if (size <= static_cast<size_t>(kEditorLimit)) {
    setText(text);
    return true;
  }
  // A big file stays out of the editor (which would freeze); the model reads what fits.
  editor_->setPlainText(text.left(static_cast<int>(kEditorLimit / 4)));
  editor_->document()->setModified(false);
  big_text_ = text;
  big_note_->setText(tr("Showing the start of %1 (%2 MB). Running uses the whole file; the model reads as many tokens as it can "
                        "take and says so. Editing replaces it with what is shown.")
                         .arg(QFileInfo(path).fileName())
                         .arg(static_cast<double>(size) / 1e6, 0, 'f', 1));
  big_note_->show();
  return true;
}

bool InputPanel::setImage(const QString& path) {
  QImageReader reader(path);
  const QSize size = reader.size();
  if (!reader.canRead()) {
    emit problem(tr("%1 is not an image Attnscope can read (%2)").arg(QDir::toNativeSeparators(path), reader.errorString()));
    return false;
  }
  image_path_ = path;
  reader.setAutoTransform(true);  // EXIF orientation, as the model sees it
  // size() is the stored size; a quarter turn swaps it into the size shown and used.
  const QSize shown = reader.transformation() & QImageIOHandler::TransformationRotate90 ? size.transposed() : size;
  reader.setScaledSize(size.scaled(QSize(640, 640), Qt::KeepAspectRatio));
  image_->setImage(reader.read());
  image_pixels_ = shown;
  updateImageInfo();
  updateSizeInfo();
  return true;
}

bool InputPanel::pasteImage() {
  const QImage img = QApplication::clipboard()->image();
  if (img.isNull()) {
    emit problem(tr("The clipboard holds no image."));
    return false;
  }
  const QString dir = QStandardPaths::writableLocation(QStandardPaths::TempLocation);
  const QString path = QDir(dir).filePath(QString("attnscope-pasted-%1.png").arg(QDateTime::currentMSecsSinceEpoch()));
  if (!img.save(path, "PNG")) {
    emit problem(tr("Cannot save the pasted image to %1").arg(path));
    return false;
  }
  return setImage(path);
}

void InputPanel::chooseTextFile() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Open a text file"), QString(), tr("Text (*.txt *.md);;All files (*)"));
  if (!path.isEmpty()) loadTextFile(path);
}

void InputPanel::chooseImage() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Open an image"), QString(),
                                                    tr("Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp);;All files (*)"));
  if (!path.isEmpty()) setImage(path);
}

void InputPanel::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls() || event->mimeData()->hasImage()) event->acceptProposedAction();
}

void InputPanel::dropEvent(QDropEvent* event) {
  const QMimeData* m = event->mimeData();
  if (m->hasUrls() && !m->urls().isEmpty() && m->urls().first().isLocalFile()) {
    const QString path = m->urls().first().toLocalFile();
    if (imageMode()) setImage(path);
    else loadTextFile(path);
    event->acceptProposedAction();
  }
}

}  // namespace attnscope::ui
