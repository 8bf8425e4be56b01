#pragma once

#include <optional>

#include <QImage>
#include <QWidget>

#include "core/image/preprocess.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;
class QStackedWidget;

namespace attnscope::ui {

class AnalysisDocument;

// Where the input is chosen: a text editor (with an optional second segment for sentence-pair
// models) or an image (open, drag and drop, paste). Shows whichever the open model takes.
class InputPanel : public QWidget {
  Q_OBJECT
 public:
  explicit InputPanel(AnalysisDocument* document, QWidget* parent = nullptr);

  QString text() const;        // the full text (also when a large file is only previewed)
  QString textPair() const;
  // Encoder-decoder models: the target for teacher forcing, or (target empty) tokens to generate.
  QString target() const;
  int generateTokens() const;
  QString imagePath() const { return image_path_; }
  bool imageMode() const;
  // The input size chosen for image models: none = the model's own preprocessing. Sets *why (and
  // returns none) when the text in the box is not a size.
  std::optional<attnscope::ImageSize> imageSize(QString* why = nullptr) const;

 public slots:
  void setText(const QString& text);
  void setTextPair(const QString& text);  // kept for a pair model even while another model is open
  void setTarget(const QString& target);
  void setGenerateTokens(int tokens);
  void setImageSize(std::optional<attnscope::ImageSize> size);
  bool loadTextFile(const QString& path);   // false (and a message) if unreadable
  bool setImage(const QString& path);       // false (and a message) if not an image
  bool pasteImage();
  void chooseTextFile();
  void chooseImage();

 signals:
  void runRequested();
  void problem(const QString& message);

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void updateMode();
  void updateSizeInfo();  // the model input, its patch grid, tokens and the run's memory
  void updateImageInfo();  // the file, its size, and whether the views show another image's result

  AnalysisDocument* document_;
  QStackedWidget* stack_;
  QPlainTextEdit* editor_;
  QLineEdit* pair_;
  QLabel* pair_label_;
  QWidget* seq2seq_;  // target line and generation length (encoder-decoder models)
  QLineEdit* target_;
  QSpinBox* generate_;
  QLabel* big_note_;
  QString big_text_;  // a large file's content, kept out of the editor
  class ImagePreview* image_;
  QLabel* image_info_;
  QString image_path_;
  QSize image_pixels_;  // as displayed (EXIF orientation applied)
  QComboBox* size_;
  QLabel* size_info_;
};

}  // namespace attnscope::ui
