#include "ui/render/prediction_renderer.h"

#include <algorithm>
#include <cmath>

namespace attnscope::ui {

namespace {
constexpr double kPad = 12, kTitle = 24, kCaption = 22;
QString value_text(double p) {
  return QString("%1%  (ln p = %2)").arg(100.0 * p, 0, 'f', 2).arg(p > 0 ? QString::number(std::log(p), 'f', 2) : QString::fromUtf8("\u2212\u221e"));
}
}  // namespace

QSizeF PredictionRenderer::naturalSize() const {
  const double head = kPad + (title.isEmpty() ? 0 : kTitle) + (caption.isEmpty() ? 0 : kCaption) + 8;
  return QSizeF(620, head + kPad + 28.0 * std::max<size_t>(bars.size(), 1));
}

void PredictionRenderer::paint(QPainter& p, const QRectF& area) const {
  p.save();
  p.setRenderHint(QPainter::Antialiasing);
  paint_figure_background(p, area, title, kPad, kTitle);
  const QFontMetricsF fm(p.font());
  double top = area.top() + kPad + (title.isEmpty() ? 0 : kTitle);
  if (!caption.isEmpty()) {
    p.setPen(QColor(60, 60, 60));
    p.drawText(QRectF(area.left() + kPad, top, area.width() - 2 * kPad, kCaption), Qt::AlignLeft | Qt::AlignVCenter,
               fm.elidedText(caption, Qt::ElideMiddle, area.width() - 2 * kPad));
    top += kCaption;
  }
  top += 8;
  const double pad = kPad, row = std::min(32.0, std::max(18.0, (area.bottom() - kPad - top) / std::max<size_t>(bars.size(), 1)));
  if (bars.empty()) {
    p.drawText(area, Qt::AlignCenter, QObject::tr("This model has no prediction head."));
    p.restore();
    return;
  }
  double label_w = 0;
  for (const auto& b : bars) label_w = std::max(label_w, fm.horizontalAdvance(b.label));
  label_w = std::min(label_w + 8, area.width() * 0.45);
  const double value_w = fm.horizontalAdvance(value_text(0.0001)) + 8;
  const double bar_x = area.left() + pad + label_w, bar_max = std::max(10.0, area.width() - 2 * pad - label_w - value_w);
  double y = top;
  for (const auto& b : bars) {
    const QRectF label_rect(area.left() + pad, y, label_w - 6, row - 4);
    p.setPen(Qt::black);
    p.drawText(label_rect, Qt::AlignRight | Qt::AlignVCenter, fm.elidedText(b.label, Qt::ElideRight, label_rect.width()));
    p.fillRect(QRectF(bar_x, y + 2, bar_max * std::clamp(b.probability, 0.0, 1.0), row - 8), bar_color);
    p.drawText(QRectF(bar_x + bar_max * std::clamp(b.probability, 0.0, 1.0) + 4, y, value_w, row - 4), Qt::AlignLeft | Qt::AlignVCenter,
               value_text(b.probability));
    y += row;
  }
  p.restore();
}

}  // namespace attnscope::ui
