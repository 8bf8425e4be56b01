#include "ui/render/lens_renderer.h"

#include <algorithm>

#include <QFontMetricsF>

#include "ui/render/axis_labels.h"

namespace attnscope::ui {

namespace {
constexpr double kPad = 12, kTitle = 24, kCaption = 20, kCellW = 64, kCellH = 24, kRowLabelW = 86, kHeaderH = 22;
}  // namespace

QSizeF LensRenderer::naturalSize() const {
  const double top = kPad + (title.isEmpty() ? 0 : kTitle) + (caption.isEmpty() ? 0 : kCaption) + kHeaderH;
  if (cells.empty()) return QSizeF(620, top + 80);
  return QSizeF(kPad + kRowLabelW + kCellW * columns.size() + 8 + kColorBarWidth + kPad, top + kCellH * row_labels.size() + kPad);
}

LensRenderer::Layout LensRenderer::layout(const QRectF& area) const {
  Layout l;
  const double top = area.top() + kPad + (title.isEmpty() ? 0 : kTitle) + (caption.isEmpty() ? 0 : kCaption);
  const double left = area.left() + kPad + kRowLabelW;
  const double right = area.right() - kPad - kColorBarWidth - 8;
  const double bottom = area.bottom() - kPad;
  const int rows = static_cast<int>(row_labels.size()), cols = static_cast<int>(columns.size());
  if (rows == 0 || cols == 0) return l;
  l.cell_w = std::max(1.0, (right - left) / cols);
  l.cell_h = std::max(1.0, (bottom - top - kHeaderH) / rows);
  l.grid = QRectF(left, top + kHeaderH, l.cell_w * cols, l.cell_h * rows);
  l.bar = QRectF(area.right() - kPad - kColorBarWidth, l.grid.top(), kColorBarWidth, std::min(l.grid.height(), 260.0));
  return l;
}

void LensRenderer::paint(QPainter& p, const QRectF& area) const {
  p.save();
  paint_figure_background(p, area, title, kPad, kTitle);
  const QFontMetricsF fm(p.font());
  const double caption_top = area.top() + kPad + (title.isEmpty() ? 0 : kTitle);
  if (!caption.isEmpty()) {
    p.setPen(QColor(60, 60, 60));
    p.drawText(QRectF(area.left() + kPad, caption_top, area.width() - 2 * kPad, kCaption), Qt::AlignLeft | Qt::AlignVCenter,
               fm.elidedText(caption, Qt::ElideRight, area.width() - 2 * kPad));
  }
  if (cells.empty()) {
    p.setPen(QColor(60, 60, 60));
    p.drawText(area.adjusted(kPad, caption_top + kCaption, -kPad, -kPad), Qt::AlignCenter | Qt::TextWordWrap, note);
    p.restore();
    return;
  }
  const Layout l = layout(area);
  const int rows = static_cast<int>(row_labels.size()), cols = static_cast<int>(columns.size());
  // Only the columns in sight: a long input scrolls, and its thousands of cells are not drawn.
  const QRectF clip = p.hasClipping() ? p.clipBoundingRect() : area;
  const int c0 = std::clamp(static_cast<int>((clip.left() - l.grid.left()) / l.cell_w), 0, cols);
  const int c1 = std::clamp(static_cast<int>((clip.right() - l.grid.left()) / l.cell_w) + 1, c0, cols);
  const QFont base = p.font();
  QFont small = base;
  small.setPointSizeF(std::max(6.0, std::min(small.pointSizeF(), l.cell_h * 0.42)));
  // Column labels: the input token at each position.
  p.setPen(Qt::black);
  for (int c = c0; c < c1; ++c) {
    const QRectF r(l.grid.left() + c * l.cell_w, l.grid.top() - kHeaderH, l.cell_w, kHeaderH);
    if (c == selected_column) p.fillRect(r, QColor(255, 236, 170));
    p.drawText(r.adjusted(2, 0, -2, 0), Qt::AlignCenter, fm.elidedText(token_label(columns[c]), Qt::ElideRight, r.width() - 4));
  }
  // Row labels, the last layer on top.
  for (int row = 0; row < rows; ++row) {
    const QRectF r(area.left() + kPad, l.grid.bottom() - (row + 1) * l.cell_h, kRowLabelW - 6, l.cell_h);
    p.drawText(r, Qt::AlignRight | Qt::AlignVCenter, row_labels[row]);
  }
  p.setFont(small);
  const QFontMetricsF sm(small);
  for (int row = 0; row < rows; ++row)
    for (int c = c0; c < c1; ++c) {
      const Cell& cl = cell(row, c);
      const QRectF r(l.grid.left() + c * l.cell_w, l.grid.bottom() - (row + 1) * l.cell_h, l.cell_w, l.cell_h);
      const double prob = cl.top.empty() ? 0.0 : cl.top.front().second;
      const QColor fill = cmap.color(prob);
      p.fillRect(r, fill);
      if (cl.top.empty() || l.cell_w < 14 || l.cell_h < 9) continue;
      p.setPen(0.299 * fill.redF() + 0.587 * fill.greenF() + 0.114 * fill.blueF() < 0.5 ? Qt::white : Qt::black);  // perceived brightness
      p.drawText(r.adjusted(2, 0, -2, 0), Qt::AlignCenter, sm.elidedText(token_label(cl.top.front().first), Qt::ElideRight, r.width() - 4));
    }
  p.setFont(base);
  if (selected_column >= 0 && selected_column < cols) {
    p.setPen(QPen(QColor(255, 80, 0), 2));
    p.setBrush(Qt::NoBrush);
    p.drawRect(QRectF(l.grid.left() + selected_column * l.cell_w, l.grid.top(), l.cell_w, l.grid.height()));
  }
  ColorBar bar{cmap, 0.0, 1.0, false, QObject::tr("probability of the top token"), false};
  paint_color_bar(p, l.bar, bar);
  p.restore();
}

std::optional<std::pair<int, int>> LensRenderer::cellAt(const QRectF& area, const QPointF& pos) const {
  if (cells.empty()) return std::nullopt;
  const Layout l = layout(area);
  if (!l.grid.contains(pos)) return std::nullopt;
  const int c = std::clamp(static_cast<int>((pos.x() - l.grid.left()) / l.cell_w), 0, static_cast<int>(columns.size()) - 1);
  const int row = std::clamp(static_cast<int>((l.grid.bottom() - pos.y()) / l.cell_h), 0, static_cast<int>(row_labels.size()) - 1);
  return std::make_pair(row, c);
}

QString LensRenderer::tipAt(const QRectF& area, const QPointF& pos) const {
  const auto at = cellAt(area, pos);
  if (!at) return {};
  const auto [row, c] = *at;
  QString tip = QObject::tr("%1, after \u201c%2\u201d (position %3)").arg(row_labels[row], token_label(columns[c]).trimmed()).arg(c);
  int rank = 1;
  for (const auto& [text, prob] : cell(row, c).top)
    tip += QString("\n%1. \u201c%2\u201d  %3%").arg(rank++).arg(token_label(text)).arg(100.0 * prob, 0, 'f', 2);
  return tip;
}

}  // namespace attnscope::ui
