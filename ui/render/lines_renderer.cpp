#include "ui/render/lines_renderer.h"

#include <algorithm>

#include "ui/render/axis_labels.h"

namespace attnscope::ui {

namespace {
constexpr double kPad = 10, kHeader = 44, kGap = 160;
}

QColor LinesRenderer::headColor(int i) {
  static const QColor palette[] = {QColor(0, 114, 178),  QColor(230, 159, 0), QColor(0, 158, 115),  QColor(204, 121, 167),
                                   QColor(213, 94, 0),   QColor(86, 180, 233), QColor(120, 120, 0), QColor(0, 0, 0)};
  const QColor c = palette[i % 8];
  return i < 8 ? c : c.darker(100 + 40 * (i / 8));
}

double LinesRenderer::labelWidth(const QFont& font) const {
  const QFontMetricsF fm(font);
  double w = 40;
  for (const QString& l : labels) w = std::max(w, fm.horizontalAdvance(token_label(l)));
  return std::min(w + 8, 180.0);
}

double LinesRenderer::top(const QRectF& area) const { return area.top() + kPad + kHeader; }

QSizeF LinesRenderer::naturalSize() const {
  const double w = labelWidth(QFont()) * 2 + kGap + 2 * kPad;
  return QSizeF(std::max(w, 420.0), kPad * 2 + kHeader + kRowHeight * std::max<qsizetype>(labels.size(), 1));
}

void LinesRenderer::paint(QPainter& p, const QRectF& area) const {
  p.save();
  p.fillRect(area, Qt::white);
  p.setRenderHint(QPainter::Antialiasing);
  const double lw = labelWidth(p.font());
  const double gap = std::max(60.0, area.width() - 2 * kPad - 2 * lw);
  const double x_left = area.left() + kPad + lw, x_right = x_left + gap;
  const double y0 = top(area);
  auto y_of = [&](int i) { return y0 + (i + 0.5) * kRowHeight; };

  QFont bold = p.font();
  bold.setBold(true);
  p.setFont(bold);
  p.setPen(Qt::black);
  p.drawText(QRectF(area.left() + kPad, area.top() + kPad, area.width() - 2 * kPad, 20), Qt::AlignLeft | Qt::AlignVCenter, title);
  p.setFont(QFont(p.font().family(), p.font().pointSize()));
  double lx = area.left() + kPad;
  for (const auto& h : heads) {  // legend
    p.fillRect(QRectF(lx, area.top() + kPad + 24, 10, 10), h.color);
    p.drawText(QPointF(lx + 14, area.top() + kPad + 33), h.name);
    lx += 24 + QFontMetricsF(p.font()).horizontalAdvance(h.name);
  }

  const int n = static_cast<int>(labels.size());
  for (const auto& h : heads) {
    if (h.weights.rows() != n) continue;
    for (int i = 0; i < n; ++i) {
      if (hover_side == 0 && hover_index != i) continue;
      for (int j = 0; j < n; ++j) {
        if (hover_side == 1 && hover_index != j) continue;
        const double w = h.weights(i, j);
        if (w < min_weight) continue;
        QColor c = h.color;
        c.setAlphaF(std::clamp(w, 0.0, 1.0));
        p.setPen(QPen(c, hover_side >= 0 ? 2.5 : 1.8));
        p.drawLine(QPointF(x_left + 4, y_of(i)), QPointF(x_right - 4, y_of(j)));
      }
    }
  }
  for (int i = 0; i < n; ++i) {
    const QString text = token_label(labels[i]);
    for (int side = 0; side < 2; ++side) {
      const QRectF r = side == 0 ? QRectF(x_left - lw, y0 + i * kRowHeight, lw - 4, kRowHeight)
                                 : QRectF(x_right + 4, y0 + i * kRowHeight, lw - 4, kRowHeight);
      if (hover_side == side && hover_index == i) p.fillRect(r, QColor(255, 235, 160));
      p.setPen(Qt::black);
      p.drawText(r, (side == 0 ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter, text);
    }
  }
  p.restore();
}

std::pair<int, int> LinesRenderer::tokenAt(const QRectF& area, const QPointF& pos) const {
  const double lw = labelWidth(QFont());
  const double gap = std::max(60.0, area.width() - 2 * kPad - 2 * lw);
  const double x_left = area.left() + kPad + lw, x_right = x_left + gap;
  const int i = static_cast<int>((pos.y() - top(area)) / kRowHeight);
  if (pos.y() < top(area) || i >= labels.size()) return {-1, -1};
  if (pos.x() >= x_left - lw && pos.x() <= x_left) return {0, i};
  if (pos.x() >= x_right && pos.x() <= x_right + lw) return {1, i};
  return {-1, -1};
}

}  // namespace attnscope::ui
