#pragma once

#include <QImage>
#include <QWidget>

#include "core/image/geometry.h"

namespace attnscope::ui {

// A small picture of the photo over a corner of the Matrix view of an image model: hovering a cell
// marks where its key patch (solid outline) and query patch (dashed) lie, since "patch 87" means
// little without the picture. Prefix tokens (CLS, registers) have no place and are named instead.
class PatchLocator : public QWidget {
  Q_OBJECT
 public:
  explicit PatchLocator(QWidget* parent = nullptr);
  // The photo and the patch layout of a result (a null photo or empty geometry: nothing to show).
  void setPhoto(const QImage& photo, const attnscope::ImageGeometry& geometry);
  bool hasPhoto() const { return !thumb_.isNull(); }
  // Marks the patches of tokens `query` and `key` (-1, or a prefix token: no patch) and names the
  // two tokens in a legend under the picture.
  void mark(int query, int key, const QString& query_label, const QString& key_label);
  int queryPatch() const { return query_patch_; }  // row-major patch index, or -1
  int keyPatch() const { return key_patch_; }
  QRectF patchRect(int patch) const;              // in widget pixels
  static constexpr int kLongSide = 168;

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  int patchOf(int token) const;
  QRectF pictureRect() const;

  attnscope::ImageGeometry geometry_;
  QImage thumb_;  // the patches' part of the photo, at most kLongSide on its longer side
  int query_patch_ = -1, key_patch_ = -1;
  QString query_label_, key_label_;
};

}  // namespace attnscope::ui
