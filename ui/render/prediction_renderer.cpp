#include "ui/render/prediction_renderer.h"

#include <algorithm>

namespace attnscope::ui {

QSizeF PredictionRenderer::naturalSize() const { return QSizeF(520, 60 + 28.0 * std::max<size_t>(bars.size(), 1)); }

void PredictionRenderer::paint(QPainter& p, const QRectF& area) const {
  p.save();
  p.setRenderHint(QPainter::Antialiasing);
  paint_figure_background(p, area, title, 12, 24);
  const QFontMetricsF fm(p.font());
  const double pad = 12, row = std::min(32.0, std::max(18.0, (area.height() - 48) / std::max<size_t>(bars.size(), 1)));
  if (bars.empty()) {
    p.drawText(area, Qt::AlignCenter, QObject::tr("This model has no prediction head."));
    p.restore();
    return;
  }
  double label_w = 0;
  for (const auto& b : bars) label_w = std::max(label_w, fm.horizontalAdvance(b.label));
  label_w = std::min(label_w + 8, area.width() * 0.45);
  const double value_w = fm.horizontalAdvance("100.0%") + 8;
  const double bar_x = area.left() + pad + label_w, bar_max = std::max(10.0, area.width() - 2 * pad - label_w - value_w);
  double y = area.top() + pad + 32;
  for (const auto& b : bars) {
    const QRectF label_rect(area.left() + pad, y, label_w - 6, row - 4);
    p.setPen(Qt::black);
    p.drawText(label_rect, Qt::AlignRight | Qt::AlignVCenter, fm.elidedText(b.label, Qt::ElideRight, label_rect.width()));
    p.fillRect(QRectF(bar_x, y + 2, bar_max * std::clamp(b.probability, 0.0, 1.0), row - 8), bar_color);
    p.drawText(QRectF(bar_x + bar_max * std::clamp(b.probability, 0.0, 1.0) + 4, y, value_w, row - 4), Qt::AlignLeft | Qt::AlignVCenter,
               QString::number(100.0 * b.probability, 'f', 1) + "%");
    y += row;
  }
  p.restore();
}

}  // namespace attnscope::ui
