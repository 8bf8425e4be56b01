#include "ui/render/lines_renderer.h"

#include <algorithm>

#include "ui/render/axis_labels.h"

namespace attnscope::ui {

namespace {
constexpr double kPad = 10, kTitle = 22, kStrip = 18, kLegend = 18, kCell = 14;
}

QColor LinesRenderer::overlayColor(int i) {
  static const QColor palette[] = {QColor(0, 114, 178),   QColor(230, 159, 0),  QColor(0, 158, 115),   QColor(213, 94, 0),
                                   QColor(204, 121, 167), QColor(0, 0, 0),      QColor(86, 180, 233),  QColor(140, 110, 40),
                                   QColor(120, 120, 0),   QColor(128, 0, 128),  QColor(110, 110, 110), QColor(180, 30, 60)};
  constexpr int n = sizeof palette / sizeof palette[0];
  const QColor c = palette[i % n];
  return i < n ? c : c.lighter(100 + 30 * (i / n));
}

double LinesRenderer::labelWidth(const QFont& font) const {
  const QFontMetricsF fm(font);
  double w = 40;
  for (const QString& l : labels) w = std::max(w, fm.horizontalAdvance(token_label(l)));
  return std::min(w + 8, 180.0);
}

double LinesRenderer::top(const QRectF& area) const {
  return area.top() + kPad + kTitle + (num_heads > 0 ? kStrip : 0) + kLegend + (filter.isEmpty() ? 0 : 16);
}

double LinesRenderer::rowY(const QRectF& area, int index) const { return top(area) + (index + 0.5) * kRowHeight; }

std::pair<double, double> LinesRenderer::columnsX(const QRectF& area) const {
  const double x_left = area.left() + kPad + labelWidth(QFont());
  return {x_left, x_left + kGap};
}

QSizeF LinesRenderer::naturalSize() const {
  const QFontMetricsF fm{QFont()};
  QFont bold;
  bold.setBold(true);
  double legend = 0;
  for (const auto& h : heads) legend += 24 + fm.horizontalAdvance(h.name);
  const double w = std::max({labelWidth(QFont()) * 2 + kGap + 2 * kPad, num_heads * (kCell + 3) + 2 * kPad, legend + 2 * kPad,
                             QFontMetricsF(bold).horizontalAdvance(title) + 2 * kPad + 2, fm.horizontalAdvance(filter) + 2 * kPad});
  return QSizeF(w, top(QRectF()) + kPad + kRowHeight * std::max<qsizetype>(labels.size(), 1));
}

QRectF LinesRenderer::stripCell(const QRectF& area, int head) const {
  return QRectF(area.left() + kPad + head * (kCell + 3), area.top() + kPad + kTitle, kCell, kCell);
}

int LinesRenderer::stripHeadAt(const QRectF& area, const QPointF& pos) const {
  for (int h = 0; h < num_heads; ++h)
    if (stripCell(area, h).adjusted(-1, -1, 2, 2).contains(pos)) return h;
  return -1;
}

void LinesRenderer::paint(QPainter& p, const QRectF& area) const {
  p.save();
  p.fillRect(area, Qt::white);
  p.setRenderHint(QPainter::Antialiasing);
  const QFont base = p.font();
  const double lw = labelWidth(base);
  const auto [x_left, x_right] = columnsX(area);

  p.setFont(title_font(base, title, area.width() - 2 * kPad));
  p.setPen(Qt::black);
  const QRectF title_box(area.left() + kPad, area.top() + kPad, area.width() - 2 * kPad, kTitle - 4);
  p.drawText(title_box, Qt::AlignLeft | Qt::AlignVCenter, p.fontMetrics().elidedText(title, Qt::ElideRight, static_cast<int>(title_box.width())));
  p.setFont(base);
  for (int h = 0; h < num_heads; ++h) {  // the strip: the shown heads filled with their colours
    const QRectF cell = stripCell(area, h);
    auto shown = std::find_if(heads.begin(), heads.end(), [h](const Layer& l) { return l.head == h; });
    p.setPen(QPen(QColor(150, 150, 150), 1));
    p.setBrush(shown != heads.end() ? QBrush(shown->color) : QBrush(Qt::white));
    p.drawRect(cell);
  }
  p.setBrush(Qt::NoBrush);
  double lx = area.left() + kPad;
  const double legend_y = area.top() + kPad + kTitle + (num_heads > 0 ? kStrip : 0);
  const QFontMetricsF fm(base);
  for (const auto& h : heads) {
    p.fillRect(QRectF(lx, legend_y + 3, 10, 10), h.color);
    p.setPen(Qt::black);
    p.drawText(QPointF(lx + 14, legend_y + 12), h.name);
    lx += 24 + fm.horizontalAdvance(h.name);
  }
  if (!filter.isEmpty()) {
    p.setPen(QColor(100, 100, 100));
    p.drawText(QRectF(area.left() + kPad, legend_y + kLegend, area.width() - 2 * kPad, 16), Qt::AlignLeft | Qt::AlignVCenter, filter);
  }

  const int n = static_cast<int>(labels.size());
  for (const auto& h : heads) {
    if (h.weights.rows() != n) continue;
    for (int i = 0; i < n; ++i) {
      if (hover_side == 0 && hover_index != i) continue;
      const float cut = h.row_cut.empty() ? 0.0f : h.row_cut[static_cast<size_t>(i)];
      for (int j = 0; j < n; ++j) {
        if (hover_side == 1 && hover_index != j) continue;
        const double w = h.weights(i, j);
        if (!(w >= cut) || w <= 0) continue;
        QColor c = h.color;
        c.setAlphaF(std::clamp(w, 0.0, 1.0));
        p.setPen(QPen(c, hover_side >= 0 ? 2.5 : 1.8));
        p.drawLine(QPointF(x_left + 4, rowY(area, i)), QPointF(x_right - 4, rowY(area, j)));
      }
    }
  }
  const double y0 = top(area);
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
  paint_pending_banner(p, QRectF(area.left(), y0, columnsX(area).second + lw - area.left() + kPad, area.bottom() - y0), pending);
  p.restore();
}

std::pair<int, int> LinesRenderer::tokenAt(const QRectF& area, const QPointF& pos) const {
  const double lw = labelWidth(QFont());
  const auto [x_left, x_right] = columnsX(area);
  const int i = static_cast<int>((pos.y() - top(area)) / kRowHeight);
  if (pos.y() < top(area) || i >= labels.size()) return {-1, -1};
  if (pos.x() >= x_left - lw && pos.x() <= x_left) return {0, i};
  if (pos.x() >= x_right && pos.x() <= x_right + lw) return {1, i};
  return {-1, -1};
}

}  // namespace attnscope::ui
