#include "ui/render/matrix_renderer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <QFontMetricsF>
#include <QObject>

#include "ui/render/axis_labels.h"

namespace attnscope::ui {

namespace {

constexpr double kPad = 8;
constexpr double kTurn = 60;  // key labels are turned this many degrees

// The cells of one axis that are pooled: `count` blocks of `block` cells from `first`.
struct AxisWindow {
  int lo = 0, hi = 0;  // the visible cells
  int first = 0, block = 1, count = 0;
};

AxisWindow visible_cells(double lower, double upper, int cells) {
  AxisWindow w;
  w.lo = std::clamp(static_cast<int>(std::floor(lower + 0.5)), 0, cells - 1);
  w.hi = std::clamp(static_cast<int>(std::ceil(upper - 0.5)), w.lo, cells - 1);
  return w;
}

void set_block(AxisWindow& w, int block) {
  w.block = block;
  w.first = w.lo - w.lo % block;  // aligned to multiples of the block: panning keeps the blocks
  w.count = (w.hi + 1 - w.first + block - 1) / block;
}

}  // namespace

PooledCells pool_cells(const RowMatrix& shade, const QRectF& range, QSize pixels, Pooling pooling) {
  PooledCells out;
  const int rows = static_cast<int>(shade.rows()), cols = static_cast<int>(shade.cols());
  if (rows == 0 || cols == 0) return out;
  AxisWindow x = visible_cells(range.left(), range.right(), cols), y = visible_cells(range.top(), range.bottom(), rows);
  auto needed = [](const AxisWindow& w, int px) { return (w.hi - w.lo + 1 + std::max(px, 1) - 1) / std::max(px, 1); };
  const int block = std::max({1, needed(x, pixels.width()), needed(y, pixels.height())});  // square blocks
  set_block(x, block);
  set_block(y, block);
  out.block = block;
  out.first_col = x.first;
  out.first_row = y.first;
  out.values.resize(y.count, x.count);
  std::vector<float> pooled(static_cast<size_t>(x.count));
  std::vector<int> counted(static_cast<size_t>(x.count));
  for (int by = 0; by < y.count; ++by) {
    const int r0 = y.first + by * block, r1 = std::min(rows, r0 + block);
    // One streaming pass over the block's rows. Masked (NaN) cells are left out; a block of
    // masked cells only stays masked.
    std::fill(pooled.begin(), pooled.end(), pooling == Pooling::Max ? -std::numeric_limits<float>::infinity() : 0.0f);
    std::fill(counted.begin(), counted.end(), 0);
    for (int r = r0; r < r1; ++r) {
      const float* row = shade.data() + static_cast<Eigen::Index>(r) * cols;
      for (int bx = 0; bx < x.count; ++bx) {
        const int c0 = x.first + bx * block, c1 = std::min(cols, c0 + block);
        float& v = pooled[static_cast<size_t>(bx)];
        int& k = counted[static_cast<size_t>(bx)];
        for (int c = c0; c < c1; ++c) {
          if (std::isnan(row[c])) continue;
          v = pooling == Pooling::Max ? std::max(v, row[c]) : v + row[c];
          ++k;
        }
      }
    }
    for (int bx = 0; bx < x.count; ++bx) {
      const int k = counted[static_cast<size_t>(bx)];
      float v = k == 0 ? std::numeric_limits<float>::quiet_NaN() : pooled[static_cast<size_t>(bx)];
      if (pooling == Pooling::Mean && k > 0) v /= static_cast<float>(k);
      out.values(by, bx) = v;
    }
  }
  return out;
}

QSizeF MatrixRenderer::naturalSize() const {
  const int tokens = map ? static_cast<int>(map->values.rows()) : 0;
  const double side = std::clamp(260.0 + 16.0 * tokens, 480.0, 1400.0);
  return QSizeF(side + 90, side);
}

QFont MatrixRenderer::tickFont() const {
  QFont f;
  f.setPointSizeF(label_point_size);
  return f;
}

QRectF MatrixRenderer::visible() const {
  if (range) return *range;
  const double rows = map ? map->values.rows() : 1, cols = map ? map->values.cols() : 1;
  return QRectF(QPointF(-0.5, -0.5), QPointF(cols - 0.5, rows - 0.5));
}

QRectF MatrixRenderer::cellsRect(const QRectF& area) const {
  const QFontMetricsF fm(tickFont());
  if (row_label_w_ < 0 && map) {
    // Measured once over every label, so the layout does not move while zooming.
    row_label_w_ = col_label_w_ = 0;
    for (const QString& l : map->labels) row_label_w_ = std::max(row_label_w_, fm.horizontalAdvance(token_label(l)));
    col_label_w_ = row_label_w_;
    // Room for the token index that thinned labels carry.
    const double index_w = fm.horizontalAdvance(QString::number(std::max(map->row_tokens.size(), map->col_tokens.size())) + "  ");
    row_label_w_ += index_w;
    col_label_w_ += index_w;
  }
  const double turn = kTurn * M_PI / 180;
  const double below = std::max(0.0, col_label_w_) * std::sin(turn) + fm.height() * std::cos(turn) + 6;
  const double top = area.top() + kPad + (title.isEmpty() ? 0 : fm.height() * 1.6 + 6);
  const double left = area.left() + kPad + fm.height() + 6 + std::max(0.0, row_label_w_) + 6;
  const double sink_bar = map && !map->excluded_mass.empty() ? kSinkBarWidth + 6 : 0.0;
  const double right = area.right() - kPad - kColorBarWidth - 10 - sink_bar;
  const double bottom = area.bottom() - kPad - fm.height() - 4 - below;
  return QRectF(QPointF(left, top), QPointF(std::max(left + 10, right), std::max(top + 10, bottom)));
}

QPointF MatrixRenderer::toCell(const QRectF& area, const QPointF& pos) const {
  const QRectF cells = cellsRect(area), v = visible();
  return QPointF(v.left() + (pos.x() - cells.left()) / cells.width() * v.width(), v.top() + (pos.y() - cells.top()) / cells.height() * v.height());
}

QPointF MatrixRenderer::cellCenter(const QRectF& area, int row, int col) const {
  const QRectF cells = cellsRect(area), v = visible();
  return QPointF(cells.left() + (col - v.left()) / v.width() * cells.width(), cells.top() + (row - v.top()) / v.height() * cells.height());
}

QPoint MatrixRenderer::cellAt(const QRectF& area, const QPointF& pos) const {
  if (!map || map->empty() || !cellsRect(area).contains(pos)) return {-1, -1};
  const QPointF c = toCell(area, pos);
  const int col = static_cast<int>(std::lround(c.x())), row = static_cast<int>(std::lround(c.y()));
  if (row < 0 || col < 0 || row >= map->values.rows() || col >= map->values.cols()) return {-1, -1};
  return {col, row};
}

void MatrixRenderer::paint(QPainter& p, const QRectF& area) const {
  p.save();
  p.fillRect(area, Qt::white);
  if (!map || map->empty()) {
    p.restore();
    return;
  }
  const QFont font = tickFont();
  const QFontMetricsF fm(font);
  const QRectF cells = cellsRect(area), v = visible();
  if (!title.isEmpty()) {
    QFont bold = font;
    bold.setPointSizeF(label_point_size + 2);
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(Qt::black);
    p.drawText(QRectF(area.left() + kPad, area.top() + kPad, area.width() - 2 * kPad, fm.height() * 1.6), Qt::AlignCenter,
               QFontMetricsF(bold).elidedText(title, Qt::ElideRight, area.width() - 2 * kPad));
  }

  // The cells, pooled to the pixels they cover on this device.
  const double scale = std::max(1.0, std::abs(p.deviceTransform().m11()));
  const QSize pixels(std::clamp(static_cast<int>(cells.width() * scale), 1, 8192), std::clamp(static_cast<int>(cells.height() * scale), 1, 8192));
  if (cache_.image.isNull() || cache_.range != v || cache_.pixels != pixels || cache_.pooling != pooling) {
    cache_.cells = pool_cells(map->shade, v, pixels, pooling);
    const RowMatrix& pooled = cache_.cells.values;
    QImage img(static_cast<int>(pooled.cols()), static_cast<int>(pooled.rows()), QImage::Format_RGB32);
    for (int r = 0; r < pooled.rows(); ++r) {
      auto* line = reinterpret_cast<QRgb*>(img.scanLine(r));
      for (int c = 0; c < pooled.cols(); ++c) line[c] = std::isnan(pooled(r, c)) ? kMaskedColor.rgb() : cmap.rgb(pooled(r, c));
    }
    cache_.image = img;
    cache_.range = v;
    cache_.pixels = pixels;
    cache_.pooling = pooling;
  }
  const PooledCells& pc = cache_.cells;
  auto X = [&](double c) { return cells.left() + (c - v.left()) / v.width() * cells.width(); };
  auto Y = [&](double r) { return cells.top() + (r - v.top()) / v.height() * cells.height(); };
  const QRectF target(QPointF(X(pc.first_col - 0.5), Y(pc.first_row - 0.5)),
                      QPointF(X(pc.first_col - 0.5 + double(pc.values.cols()) * pc.block), Y(pc.first_row - 0.5 + double(pc.values.rows()) * pc.block)));
  p.save();
  p.setClipRect(cells);
  p.setRenderHint(QPainter::SmoothPixmapTransform, false);
  p.fillRect(cells, Qt::white);
  p.drawImage(target, cache_.image);
  if (map->segment_start > 0) {  // sentence pairs: where segment B starts, on both axes
    const double b = map->segment_start - 0.5;
    for (const QPen& pen : {QPen(Qt::white, 2.5), QPen(Qt::black, 1.0, Qt::DashLine)}) {
      p.setPen(pen);
      p.drawLine(QPointF(X(b), cells.top()), QPointF(X(b), cells.bottom()));
      p.drawLine(QPointF(cells.left(), Y(b)), QPointF(cells.right(), Y(b)));
    }
  }
  p.restore();
  p.setPen(QPen(Qt::black, 0.8));
  p.setBrush(Qt::NoBrush);
  p.drawRect(cells);
  if (!map->excluded_mass.empty()) {
    // Beside each row, the share the excluded tokens took from it: white 0, black 1.
    const QRectF bar(cells.right() + 4, cells.top(), kSinkBarWidth, cells.height());
    p.save();
    p.setClipRect(bar);
    const int first = std::max(0, static_cast<int>(std::floor(v.top() + 0.5)));
    const int last = std::min(static_cast<int>(map->excluded_mass.size()) - 1, static_cast<int>(std::ceil(v.bottom())));
    for (int r = first; r <= last; ++r) {
      const int g = static_cast<int>(std::lround(255.0 * (1.0 - std::clamp<double>(map->excluded_mass[static_cast<size_t>(r)], 0.0, 1.0))));
      p.fillRect(QRectF(QPointF(bar.left(), Y(r - 0.5)), QPointF(bar.right(), Y(r + 0.5))), QColor(g, g, g));
    }
    p.restore();
    p.drawRect(bar);
  }

  // Token labels, thinned so that they never overlap.
  p.setFont(font);
  auto ticks = [&](const std::vector<int>& tokens, double lower, double upper, double pixels_per_cell, auto&& draw) {
    const int step = std::max(1, static_cast<int>(std::ceil((fm.height() + 1) / std::max(pixels_per_cell, 1e-3))));
    const int first = std::max(0, static_cast<int>(std::floor(lower)));
    const int last = std::min(static_cast<int>(tokens.size()) - 1, static_cast<int>(std::ceil(upper)));
    for (int i = first - first % step; i <= last; i += step)
      if (i >= first && i >= lower && i <= upper) {
        // Thinned, a label stands among unlabelled rows: its index says where ("37 ed", not just "ed").
        const QString label = token_label(map->labels.value(i));
        draw(i, step > 1 ? QString("%1 %2").arg(tokens[static_cast<size_t>(i)]).arg(label) : label);
      }
  };
  ticks(map->row_tokens, v.top(), v.bottom(), cells.height() / v.height(), [&](int i, const QString& t) {
    const double y = Y(i);
    p.drawLine(QPointF(cells.left() - 3, y), QPointF(cells.left(), y));
    p.drawText(QRectF(area.left(), y - fm.height() / 2, cells.left() - area.left() - 5, fm.height()), Qt::AlignRight | Qt::AlignVCenter, t);
  });
  ticks(map->col_tokens, v.left(), v.right(), cells.width() / v.width(), [&](int i, const QString& t) {
    const double x = X(i);
    p.drawLine(QPointF(x, cells.bottom()), QPointF(x, cells.bottom() + 3));
    p.save();
    p.translate(x, cells.bottom() + 5);
    p.rotate(-kTurn);
    const double w = fm.horizontalAdvance(t) + 2;
    p.drawText(QRectF(-w, -fm.height() / 2, w, fm.height()), Qt::AlignRight | Qt::AlignVCenter, t);
    p.restore();
  });
  p.drawText(QRectF(cells.left(), area.bottom() - kPad - fm.height(), cells.width(), fm.height()), Qt::AlignCenter,
             QObject::tr("key (attended to)"));
  p.save();
  p.translate(area.left() + kPad + fm.height() / 2, cells.center().y());
  p.rotate(-90);
  p.drawText(QRectF(-cells.height() / 2, -fm.height() / 2, cells.height(), fm.height()), Qt::AlignCenter, QObject::tr("query (attending)"));
  p.restore();
  const double upper = map->scale_upper > map->scale_lower ? map->scale_upper : map->scale_lower + 1e-9;
  paint_color_bar(p, QRectF(cells.right() + 10 + (map->excluded_mass.empty() ? 0.0 : kSinkBarWidth + 6), cells.top() - 8, kColorBarWidth, cells.height() + 16),
                  ColorBar{cmap, map->scale_lower, upper, map->log_scale, map->scale_label});
  paint_pending_banner(p, cells, map->pending);
  p.restore();
}

}  // namespace attnscope::ui
