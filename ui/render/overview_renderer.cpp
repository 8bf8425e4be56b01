#include "ui/render/overview_renderer.h"

#include <algorithm>

namespace attnscope::ui {

namespace {
constexpr double kTitleHeight = 24, kPad = 8, kCaptionHeight = 20;
}

double OverviewRenderer::labelWidth() const {
  for (const QString& l : layer_labels)
    if (l.size() > 4) return 92;
  return 34;
}

double OverviewRenderer::labelHeight() const {
  for (const QString& h : head_labels)
    if (h.size() > 4) return 34;
  return 20;
}

QSizeF OverviewRenderer::naturalSize() const {
  // A single layer's row (a one-page figure of its heads) gets larger cells than a whole model's grid.
  const double cell = std::clamp(480.0 / std::max(layers, 1), 72.0, 200.0), cell_w = cell * cell_aspect;
  return QSizeF(std::max(560.0, kPad * 2 + labelWidth() + heads * (cell_w + 4) + (bar ? kColorBarWidth + kPad : 0)),
                kPad * 2 + kTitleHeight + labelHeight() + layers * (cell + 4) + (caption.isEmpty() ? 0 : kCaptionHeight));
}

OverviewRenderer::Layout OverviewRenderer::layout(const QRectF& area) const {
  Layout l;
  const double w = area.width() - 2 * kPad - labelWidth() - (bar ? kColorBarWidth + kPad : 0),
               h = area.height() - 2 * kPad - labelHeight() - (title.isEmpty() ? 0 : kTitleHeight) - (caption.isEmpty() ? 0 : kCaptionHeight);
  l.gap = 3;
  const double aspect = std::max(cell_aspect, 1e-3);
  l.cell = std::max(4.0, std::min((w / std::max(heads, 1) - l.gap) / aspect, h / std::max(layers, 1) - l.gap));
  l.cell_w = l.cell * aspect;
  l.left = area.left() + kPad + labelWidth();
  l.top = area.top() + kPad + (title.isEmpty() ? 0 : kTitleHeight) + labelHeight();
  return l;
}

void OverviewRenderer::paint(QPainter& p, const QRectF& area) const {
  p.save();
  p.fillRect(area, Qt::white);
  if (layers == 0 || heads == 0) {
    p.drawText(area, Qt::AlignCenter, QObject::tr("No result yet."));
    p.restore();
    return;
  }
  const Layout l = layout(area);
  QFont f = p.font();
  f.setPointSizeF(std::clamp(l.cell / 6.0, 6.0, 9.0));
  p.setFont(f);
  p.setPen(Qt::black);
  if (!title.isEmpty()) {
    QFont b = f;
    b.setBold(true);
    b.setPointSizeF(f.pointSizeF() + 2);
    p.setFont(b);
    p.drawText(QRectF(area.left() + kPad, area.top() + kPad, area.width() - 2 * kPad, kTitleHeight), Qt::AlignLeft | Qt::AlignVCenter, title);
    p.setFont(f);
  }
  for (int h = 0; h < heads; ++h)
    p.drawText(QRectF(l.left + h * (l.cell_w + l.gap), l.top - labelHeight(), l.cell_w, labelHeight()), Qt::AlignCenter,
               h < head_labels.size() ? QString(head_labels[h]).replace(QString::fromUtf8(" \u00b7 "), "\n") : QString("H%1").arg(h));
  for (int r = 0; r < layers; ++r) {
    const double y = l.top + r * (l.cell + l.gap);
    const int layer = r < static_cast<int>(layer_ids.size()) ? layer_ids[static_cast<size_t>(r)] : r;
    const QString label = r < layer_labels.size() ? QString(layer_labels[r]).replace(QString::fromUtf8(" \u00b7 "), "\n") : QString("L%1").arg(layer);
    p.drawText(QRectF(area.left() + kPad, y, labelWidth() - 4, l.cell), Qt::AlignRight | Qt::AlignVCenter, label);
    for (int h = 0; h < heads; ++h) {
      const QRectF cell(l.left + h * (l.cell_w + l.gap), y, l.cell_w, l.cell);
      const size_t i = static_cast<size_t>(r) * heads + h;
      if (i < thumbnails.size() && !thumbnails[i].isNull()) {
        p.setRenderHint(QPainter::SmoothPixmapTransform, photo_thumbnails);
        p.drawImage(cell, thumbnails[i]);
      } else {
        p.fillRect(cell, QColor(235, 235, 235));
      }
    }
  }
  if (bar) {
    const double right = l.left + heads * (l.cell_w + l.gap) + kPad;
    paint_color_bar(p, QRectF(right, l.top, kColorBarWidth, layers * (l.cell + l.gap) - l.gap), *bar);  // along the grid
  }
  if (selected_layer >= 0 && selected_head >= 0) {
    const QRectF sel(l.left + selected_head * (l.cell_w + l.gap) - 2, l.top + selected_layer * (l.cell + l.gap) - 2, l.cell_w + 4, l.cell + 4);
    p.setPen(QPen(QColor(220, 40, 40), 3));
    p.setBrush(Qt::NoBrush);
    p.drawRect(sel);
  }
  if (!caption.isEmpty()) {
    p.setFont(f);
    p.setPen(QColor(80, 80, 80));
    p.drawText(QRectF(area.left() + kPad, l.top + layers * (l.cell + l.gap), area.width() - 2 * kPad, kCaptionHeight),
               Qt::AlignLeft | Qt::AlignVCenter, caption);
  }
  p.restore();
}

std::pair<int, int> OverviewRenderer::cellAt(const QRectF& area, const QPointF& pos) const {
  const Layout l = layout(area);
  const int h = static_cast<int>((pos.x() - l.left) / (l.cell_w + l.gap));
  const int r = static_cast<int>((pos.y() - l.top) / (l.cell + l.gap));
  if (pos.x() < l.left || pos.y() < l.top || h >= heads || r >= layers) return {-1, -1};
  return {r, h};
}

}  // namespace attnscope::ui
