#include "ui/render/figure_renderer.h"

namespace attnscope::ui {

void paint_figure_background(QPainter& p, const QRectF& area, const QString& title, double pad, double height) {
  p.fillRect(area, Qt::white);
  if (title.isEmpty()) return;
  const QFont font = p.font();
  QFont bold = font;
  bold.setBold(true);
  p.setFont(bold);
  p.setPen(Qt::black);
  p.drawText(QRectF(area.left() + pad, area.top() + pad, area.width() - 2 * pad, height), Qt::AlignLeft | Qt::AlignVCenter, title);
  p.setFont(font);
}

}  // namespace attnscope::ui
