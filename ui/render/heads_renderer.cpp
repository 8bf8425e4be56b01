#include "ui/render/heads_renderer.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <QFontMetricsF>
#include <QObject>

namespace attnscope::ui {

namespace {

constexpr double kPad = 10, kTitle = 24;

QFont tick_font(const QPainter*) {
  QFont f;
  f.setPointSizeF(8);
  return f;
}

bool turned(const QStringList& head_labels) { return !head_labels.isEmpty() && head_labels.front().size() > 3; }

}  // namespace

QSizeF HeadsRenderer::naturalSize() const {
  return QSizeF(std::max<double>(480, 120 + 70 * values.cols()), std::max<double>(360, 100 + 40 * values.rows()));
}

std::pair<double, double> HeadsRenderer::range() const {
  if (fixed_range) return *fixed_range;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (Eigen::Index i = 0; i < values.size(); ++i)
    if (std::isfinite(values.data()[i])) lo = std::min<double>(lo, values.data()[i]), hi = std::max<double>(hi, values.data()[i]);
  if (!std::isfinite(lo)) lo = 0, hi = 1;
  if (hi <= lo) hi = lo + 1e-9;
  return {lo, hi};
}

QRectF HeadsRenderer::cellsRect(const QRectF& area) const {
  const QFontMetricsF fm(tick_font(nullptr));
  double label_w = 0, head_w = 0;
  for (const QString& l : layer_labels) label_w = std::max(label_w, fm.horizontalAdvance(l));
  for (const QString& h : head_labels) head_w = std::max(head_w, fm.horizontalAdvance(h));
  const double bottom = turned(head_labels) ? head_w * 0.65 + fm.height() : fm.height() + 4;
  const double top = area.top() + (title.isEmpty() ? kPad : kTitle + kPad);
  const double left = area.left() + kPad + fm.height() + 6 + label_w + 6;
  const double right = area.right() - kPad - kColorBarWidth - 8;
  const double lower = area.bottom() - kPad - bottom - fm.height() - 4;
  return QRectF(QPointF(left, top), QPointF(std::max(left + 10, right), std::max(top + 10, lower)));
}

std::pair<int, int> HeadsRenderer::cellAt(const QRectF& area, const QPointF& pos) const {
  const QRectF cells = cellsRect(area);
  if (!cells.contains(pos) || values.size() == 0) return {-1, -1};
  const int h = static_cast<int>((pos.x() - cells.left()) / cells.width() * values.cols());
  const int r = static_cast<int>((pos.y() - cells.top()) / cells.height() * values.rows());
  if (h < 0 || h >= values.cols() || r < 0 || r >= values.rows()) return {-1, -1};
  return {r, h};
}

bool HeadsRenderer::showsNumbers(const QRectF& area) const {
  if (values.size() == 0) return false;
  const QRectF cells = cellsRect(area);
  QFont small = tick_font(nullptr);
  small.setPointSizeF(std::min(small.pointSizeF(), 7.5));
  const QFontMetricsF fm(small);
  return cells.width() / values.cols() >= fm.horizontalAdvance("0.00") + 4 && cells.height() / values.rows() >= fm.height() + 2;
}

QPointF HeadsRenderer::cellCenter(const QRectF& area, int row, int head) const {
  const QRectF cells = cellsRect(area);
  return QPointF(cells.left() + (head + 0.5) * cells.width() / std::max<Eigen::Index>(values.cols(), 1),
                 cells.top() + (row + 0.5) * cells.height() / std::max<Eigen::Index>(values.rows(), 1));
}

void HeadsRenderer::paint(QPainter& p, const QRectF& area) const {
  p.save();
  paint_figure_background(p, area, title, kPad, kTitle);
  if (values.size() == 0) {
    p.restore();
    return;
  }
  const QRectF cells = cellsRect(area);
  const int L = static_cast<int>(values.rows()), H = static_cast<int>(values.cols());
  const double cw = cells.width() / H, ch = cells.height() / L;
  const auto [lo, hi] = range();
  for (int r = 0; r < L; ++r)
    for (int h = 0; h < H; ++h) {
      const double v = values(r, h);
      // Edges on whole pixels of the cell grid, so neighbours meet without seams.
      const QRectF cell(QPointF(cells.left() + h * cw, cells.top() + r * ch), QPointF(cells.left() + (h + 1) * cw, cells.top() + (r + 1) * ch));
      p.fillRect(cell, std::isfinite(v) ? QColor::fromRgb(cmap.rgb(v, lo, hi)) : QColor(215, 215, 215));
    }
  p.setPen(QPen(Qt::black, 0.8));
  p.setBrush(Qt::NoBrush);
  p.drawRect(cells);
  const QFont font = tick_font(nullptr);  // the font cellsRect() measured with
  p.setFont(font);
  const QFontMetricsF fm(font);
  for (int r = 0; r < L; ++r) {
    const double y = cells.top() + (r + 0.5) * ch;
    p.drawLine(QPointF(cells.left() - 3, y), QPointF(cells.left(), y));
    p.drawText(QRectF(area.left(), y - fm.height() / 2, cells.left() - area.left() - 6, fm.height()), Qt::AlignRight | Qt::AlignVCenter,
               layer_labels.value(r));
  }
  const bool turn = turned(head_labels);
  for (int h = 0; h < H; ++h) {
    const double x = cells.left() + (h + 0.5) * cw;
    p.drawLine(QPointF(x, cells.bottom()), QPointF(x, cells.bottom() + 3));
    const QString t = head_labels.value(h);
    if (turn) {
      p.save();
      p.translate(x, cells.bottom() + 5);
      p.rotate(-40);
      p.drawText(QRectF(-fm.horizontalAdvance(t) - 2, -fm.height() / 2, fm.horizontalAdvance(t) + 2, fm.height()), Qt::AlignRight | Qt::AlignVCenter, t);
      p.restore();
    } else {
      p.drawText(QRectF(x - cw / 2, cells.bottom() + 4, cw, fm.height()), Qt::AlignHCenter | Qt::AlignTop, t);
    }
  }
  const double below = turn ? [&] {
    double w = 0;
    for (const QString& l : head_labels) w = std::max(w, fm.horizontalAdvance(l));
    return w * 0.65 + fm.height();
  }()
                            : fm.height() + 4;
  p.drawText(QRectF(cells.left(), cells.bottom() + below + 2, cells.width(), fm.height()), Qt::AlignCenter, QObject::tr("head"));
  p.save();
  p.translate(area.left() + kPad + fm.height() / 2, cells.center().y());
  p.rotate(-90);
  p.drawText(QRectF(-cells.height() / 2, -fm.height() / 2, cells.height(), fm.height()), Qt::AlignCenter, QObject::tr("layer"));
  p.restore();
  if (showsNumbers(area)) {
    QFont small = font;
    small.setPointSizeF(std::min(font.pointSizeF(), 7.5));
    p.setFont(small);
    for (int r = 0; r < L; ++r)
      for (int h = 0; h < H; ++h) {
        const double v = values(r, h);
        if (!std::isfinite(v)) continue;
        const QRectF cell(cells.left() + h * cw, cells.top() + r * ch, cw, ch);
        p.setPen(qGray(cmap.rgb(v, lo, hi)) < 128 ? Qt::white : Qt::black);
        p.drawText(cell, Qt::AlignCenter, QString::number(v, 'f', std::abs(v) >= 10 ? 1 : 2));
      }
    p.setFont(font);
    p.setPen(QPen(Qt::black, 0.8));
  }
  if (selected_row >= 0 && selected_row < L && selected_head >= 0 && selected_head < H) {
    p.setPen(QPen(QColor(220, 40, 40), 3));
    p.drawRect(QRectF(cells.left() + selected_head * cw, cells.top() + selected_row * ch, cw, ch));
  }
  paint_color_bar(p, QRectF(cells.right() + 8, cells.top() - 8, kColorBarWidth, cells.height() + 16), ColorBar{cmap, lo, hi, false, range_note.isEmpty() ? scale_label : scale_label + " (" + range_note + ")"});
  p.restore();
}

}  // namespace attnscope::ui
