#include "ui/views/patch_locator.h"

#include <QPainter>
#include <QPaintEvent>

#include <algorithm>
#include <cmath>

#include "ui/render/thumbnails.h"

namespace attnscope::ui {

namespace {
constexpr int kMargin = 4, kCaptionHeight = 16;
const QColor kKeyColor(255, 64, 32), kQueryColor(40, 200, 255);

QPen queryPen() {
  QPen pen(kQueryColor, 2);
  pen.setDashPattern({2, 1.5});  // short dashes: still dashed around a patch a few pixels wide, and in the legend
  return pen;
}
}  // namespace

PatchLocator::PatchLocator(QWidget* parent) : QWidget(parent) {
  setAttribute(Qt::WA_TransparentForMouseEvents);  // the matrix under it still gets the hover
  hide();
}

void PatchLocator::setPhoto(const QImage& photo, const ImageGeometry& geometry) {
  geometry_ = geometry;
  thumb_ = QImage();
  query_patch_ = key_patch_ = -1;
  if (photo.isNull() || geometry.empty()) {
    hide();
    return;
  }
  thumb_ = patches_photo(photo, geometry, kLongSide);
  resize(thumb_.width() + 2 * kMargin, thumb_.height() + 2 * kMargin + kCaptionHeight);
}

int PatchLocator::patchOf(int token) const {
  const int p = token - geometry_.prefix_tokens;
  return token >= 0 && p >= 0 && p < geometry_.num_patches() ? p : -1;
}

void PatchLocator::mark(int query, int key, const QString& query_label, const QString& key_label) {
  query_patch_ = patchOf(query);
  key_patch_ = patchOf(key);
  query_label_ = query_label;
  key_label_ = key_label;
  update();
}

QRectF PatchLocator::pictureRect() const { return QRectF(kMargin, kMargin, thumb_.width(), thumb_.height()); }

QRectF PatchLocator::patchRect(int patch) const {
  if (patch < 0 || geometry_.empty()) return {};
  const RectF box = geometry_.patches_box(), p = geometry_.patch_rect(patch / geometry_.cols, patch % geometry_.cols);
  const QRectF pic = pictureRect();
  const double sx = pic.width() / box.width, sy = pic.height() / box.height;
  return QRectF(pic.left() + (p.x - box.x) * sx, pic.top() + (p.y - box.y) * sy, p.width * sx, p.height * sy);
}

void PatchLocator::paintEvent(QPaintEvent*) {
  if (thumb_.isNull()) return;
  QPainter p(this);
  p.fillRect(rect(), QColor(255, 255, 255, 235));
  p.setPen(QColor(120, 120, 120));
  p.drawRect(QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5));
  p.drawImage(pictureRect(), thumb_);
  p.setRenderHint(QPainter::Antialiasing);
  p.setBrush(Qt::NoBrush);
  // A patch can be a couple of pixels wide here: outlines are drawn around it, never hiding it.
  if (query_patch_ >= 0) {
    p.setPen(queryPen());
    p.drawRect(patchRect(query_patch_).adjusted(-1.5, -1.5, 1.5, 1.5));
  }
  if (key_patch_ >= 0) {
    p.setPen(QPen(kKeyColor, 2));
    p.drawRect(patchRect(key_patch_).adjusted(-1.5, -1.5, 1.5, 1.5));
  }
  QFont f = font();
  f.setPointSizeF(7.5);
  p.setFont(f);
  // Legend: a solid sample for the key, a dashed one for the query, each with its token.
  const double y = height() - kMargin - kCaptionHeight / 2.0 + 1, half = (width() - 2 * kMargin) / 2.0;
  double x = kMargin;
  for (const auto& [pen, label] : {std::pair{QPen(kKeyColor, 2), tr("key %1").arg(key_label_)},
                                   std::pair{queryPen(), tr("query %1").arg(query_label_)}}) {
    p.setPen(pen);
    p.drawLine(QPointF(x, y), QPointF(x + 12, y));
    p.setPen(Qt::black);
    const QRectF text(x + 15, y - kCaptionHeight / 2.0, half - 17, kCaptionHeight);
    p.drawText(text, Qt::AlignLeft | Qt::AlignVCenter, QFontMetrics(f).elidedText(label, Qt::ElideRight, static_cast<int>(text.width())));
    x += half;
  }
}

}  // namespace attnscope::ui
