#include "ui/panels/input_panel.h"

#include <QGridLayout>
#include <QSpinBox>

#include <QApplication>
#include <QClipboard>
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
  updateMode();
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
}

QString InputPanel::target() const { return !seq2seq_->isHidden() ? target_->text() : QString(); }
int InputPanel::generateTokens() const { return !seq2seq_->isHidden() && target_->text().isEmpty() ? generate_->value() : 0; }
void InputPanel::setTarget(const QString& target) { target_->setText(target); }
void InputPanel::setGenerateTokens(int tokens) {
  target_->clear();
  generate_->setValue(tokens);
}

QString InputPanel::text() const { return big_text_.isEmpty() ? editor_->toPlainText() : big_text_; }
QString InputPanel::textPair() const { return pair_->isVisible() ? pair_->text() : QString(); }

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
  reader.setScaledSize(size.scaled(QSize(640, 640), Qt::KeepAspectRatio));
  reader.setAutoTransform(true);  // EXIF orientation, as the model sees it
  image_->setImage(reader.read());
  image_info_->setText(QString("%1 · %2×%3").arg(QFileInfo(path).fileName()).arg(size.width()).arg(size.height()));
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
