#include "ui/render/overview_renderer.h"

#include <algorithm>
#include <cmath>

namespace attnscope::ui {

namespace {
constexpr double kTitleHeight = 24, kPad = 8, kCaptionHeight = 34;  // two lines of caption
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

int OverviewRenderer::naturalBlocks() const {
  // About as wide as tall: one block for a model's heads x layers, several for a single column of
  // maps (the rollout after each layer) or a deep model with few heads.
  const double ratio = std::max(layers, 1) / (std::max(heads, 1) * std::max(cell_aspect, 1e-3));
  return std::clamp(static_cast<int>(std::lround(std::sqrt(ratio))), 1, std::max(layers, 1));
}

QSizeF OverviewRenderer::naturalSize() const {
  const int blocks = naturalBlocks(), rows = (std::max(layers, 1) + blocks - 1) / blocks;
  // A single layer's row (a one-page figure of its heads) gets larger cells than a whole model's grid.
  const double cell = std::clamp(480.0 / rows, 72.0, 200.0), cell_w = cell * cell_aspect;
  const double grid_w = blocks * (labelWidth() + heads * (cell_w + 4)) + (blocks - 1) * 2 * kPad;
  return QSizeF(std::max(560.0, kPad * 2 + grid_w + (bar ? kColorBarWidth + kPad : 0)),
                kPad * 2 + kTitleHeight + labelHeight() + rows * (cell + 4) + (caption.isEmpty() ? 0 : kCaptionHeight));
}

QRectF OverviewRenderer::Layout::cellRect(int row, int head) const {
  const int block = row / rows_per_block, r = row % rows_per_block;
  return QRectF(left + block * block_span + head * (cell_w + gap), top + r * (cell + gap), cell_w, cell);
}

OverviewRenderer::Layout OverviewRenderer::layoutIn(const QRectF& area, int blocks) const {
  Layout l;
  l.gap = 3;
  l.blocks = blocks;
  l.rows_per_block = (std::max(layers, 1) + blocks - 1) / blocks;
  const double block_gap = blocks > 1 ? 2 * kPad : 0;
  const double w = (area.width() - 2 * kPad - (bar ? kColorBarWidth + kPad : 0) - (blocks - 1) * block_gap) / blocks - labelWidth(),
               h = area.height() - 2 * kPad - labelHeight() - (title.isEmpty() ? 0 : kTitleHeight) - (caption.isEmpty() ? 0 : kCaptionHeight);
  const double aspect = std::max(cell_aspect, 1e-3);
  l.cell = std::max(4.0, std::min((w / std::max(heads, 1) - l.gap) / aspect, h / l.rows_per_block - l.gap));
  l.cell_w = l.cell * aspect;
  l.block_span = labelWidth() + heads * (l.cell_w + l.gap) + block_gap;
  l.left = area.left() + kPad + labelWidth();
  l.top = area.top() + kPad + (title.isEmpty() ? 0 : kTitleHeight) + labelHeight();
  return l;
}

OverviewRenderer::Layout OverviewRenderer::layout(const QRectF& area) const {
  Layout best = layoutIn(area, 1);
  for (int b = 2; b <= layers; ++b) {
    if ((layers + b - 2) / (b - 1) == (layers + b - 1) / b) continue;  // as many rows per block as with one block fewer
    const Layout l = layoutIn(area, b);
    if (l.cell > best.cell * 1.05) best = l;  // wrap only for clearly larger cells
  }
  return best;
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
  for (int block = 0; block < l.blocks && block * l.rows_per_block < layers; ++block)
    for (int h = 0; h < heads; ++h) {
      const QRectF cell = l.cellRect(block * l.rows_per_block, h);
      p.drawText(QRectF(cell.left(), l.top - labelHeight(), l.cell_w, labelHeight()), Qt::AlignCenter,
                 h < head_labels.size() ? QString(head_labels[h]).replace(QString::fromUtf8(" \u00b7 "), "\n") : QString("H%1").arg(h));
    }
  for (int r = 0; r < layers; ++r) {
    const int layer = r < static_cast<int>(layer_ids.size()) ? layer_ids[static_cast<size_t>(r)] : r;
    const QString label = r < layer_labels.size() ? QString(layer_labels[r]).replace(QString::fromUtf8(" \u00b7 "), "\n") : QString("L%1").arg(layer);
    const QRectF first = l.cellRect(r, 0);
    p.drawText(QRectF(first.left() - labelWidth(), first.top(), labelWidth() - 4, l.cell), Qt::AlignRight | Qt::AlignVCenter, label);
    for (int h = 0; h < heads; ++h) {
      const QRectF cell = l.cellRect(r, h);
      const size_t i = static_cast<size_t>(r) * heads + h;
      if (i < thumbnails.size() && !thumbnails[i].isNull()) {
        p.setRenderHint(QPainter::SmoothPixmapTransform, photo_thumbnails);
        p.drawImage(cell, thumbnails[i]);
      } else {
        p.fillRect(cell, QColor(235, 235, 235));
      }
    }
  }
  const double grid_height = l.rows_per_block * (l.cell + l.gap) - l.gap;
  if (bar) {
    const int used_blocks = (layers + l.rows_per_block - 1) / l.rows_per_block;
    const double right = l.left + (used_blocks - 1) * l.block_span + heads * (l.cell_w + l.gap) + kPad;
    paint_color_bar(p, QRectF(right, l.top, kColorBarWidth, grid_height), *bar);  // along the grid
  }
  if (selected_layer >= 0 && selected_head >= 0 && selected_layer < layers) {
    p.setPen(QPen(QColor(220, 40, 40), 3));
    p.setBrush(Qt::NoBrush);
    p.drawRect(l.cellRect(selected_layer, selected_head).adjusted(-2, -2, 2, 2));
  }
  if (!caption.isEmpty()) {
    p.setFont(f);
    p.setPen(QColor(80, 80, 80));
    p.drawText(QRectF(area.left() + kPad, l.top + grid_height + l.gap, area.width() - 2 * kPad, kCaptionHeight),
               Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, caption);
  }
  p.restore();
}

std::pair<int, int> OverviewRenderer::cellAt(const QRectF& area, const QPointF& pos) const {
  const Layout l = layout(area);
  if (pos.x() < l.left || pos.y() < l.top) return {-1, -1};
  const int block = static_cast<int>((pos.x() - l.left + labelWidth()) / l.block_span);
  const double x = pos.x() - (l.left + block * l.block_span);
  if (x < 0) return {-1, -1};  // over a block's labels
  const int h = static_cast<int>(x / (l.cell_w + l.gap));
  const int rr = static_cast<int>((pos.y() - l.top) / (l.cell + l.gap));
  const int r = block * l.rows_per_block + rr;
  if (h >= heads || rr >= l.rows_per_block || r >= layers) return {-1, -1};
  return {r, h};
}

}  // namespace attnscope::ui
