#include "ui/render/matrix_plot.h"

#include "ui/render/axis_labels.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <qcustomplot.h>

namespace attnscope::ui {

QString MatrixPlot::displayLabel(const QString& token) { return token_label(token); }

QCPColorMap* MatrixPlot::setup(QCustomPlot* plot, const DisplayMap& map, const QStringList& labels, const ColorMap& cmap,
                               const Options& options) {
  plot->clearPlottables();
  plot->clearItems();
  plot->plotLayout()->clear();
  auto* rect = new QCPAxisRect(plot);
  plot->plotLayout()->addElement(0, 0, rect);
  plot->xAxis = rect->axis(QCPAxis::atBottom);
  plot->yAxis = rect->axis(QCPAxis::atLeft);
  plot->xAxis2 = rect->axis(QCPAxis::atTop);
  plot->yAxis2 = rect->axis(QCPAxis::atRight);
  if (!options.title.isEmpty()) {
    plot->plotLayout()->insertRow(0);
    auto* title = new QCPTextElement(plot, options.title, QFont(plot->font().family(), options.label_point_size + 2, QFont::Bold));
    plot->plotLayout()->addElement(0, 0, title);
  }

  const int rows = static_cast<int>(map.values.rows()), cols = static_cast<int>(map.values.cols());
  auto* cm = new QCPColorMap(plot->xAxis, plot->yAxis);
  cm->setInterpolate(false);
  cm->setTightBoundary(false);
  QCPColorGradient gradient = cmap.gradient();
  gradient.setNanHandling(QCPColorGradient::nhNanColor);
  gradient.setNanColor(kMaskedColor);
  cm->setGradient(gradient);
  cm->setDataRange(QCPRange(0.0, 1.0));  // shade is already normalised; the colour bar carries the units

  QFont tick_font = plot->font();
  tick_font.setPointSize(options.label_point_size);
  for (QCPAxis* a : {plot->xAxis, plot->yAxis}) {
    a->setTickLabelFont(tick_font);
    a->setSubTicks(false);
    a->setTickLength(0, 3);
    a->grid()->setVisible(false);
  }
  plot->xAxis->setTickLabelRotation(-60);
  plot->xAxis->setLabel(QObject::tr("key (attended to)"));
  plot->yAxis->setLabel(QObject::tr("query (attending)"));
  plot->yAxis->setRangeReversed(true);
  plot->xAxis->setRange(-0.5, cols - 0.5);
  plot->yAxis->setRange(-0.5, rows - 0.5);
  if (options.fill_cells) updateCells(plot, cm, map, options.pooling);

  if (options.show_scale) {
    // Not linked to the colour map: the map colours `shade` in [0, 1], the bar is labelled in
    // weight units (scale_lower..scale_upper, log for the log scale); both span the same gradient.
    auto* scale = new QCPColorScale(plot);
    plot->plotLayout()->addElement(options.title.isEmpty() ? 0 : 1, 1, scale);
    scale->setType(QCPAxis::atRight);
    scale->setGradient(cmap.gradient());
    scale->setDataScaleType(map.log_scale ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    scale->setDataRange(QCPRange(map.scale_lower, map.scale_upper > map.scale_lower ? map.scale_upper : map.scale_lower + 1e-9));
    if (map.log_scale) scale->axis()->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    scale->axis()->setLabel(map.scale_label);
    scale->axis()->setTickLabelFont(tick_font);
    scale->setBarWidth(12);
    auto* group = new QCPMarginGroup(plot);
    rect->setMarginGroup(QCP::msBottom | QCP::msTop, group);
    scale->setMarginGroup(QCP::msBottom | QCP::msTop, group);
  }
  updateTickLabels(plot, map, labels);
  return cm;
}

namespace {

// The cells of one axis that the colour map holds: `count` blocks of `block` cells from `first`.
struct AxisWindow {
  int lo = 0, hi = 0;  // the visible cells
  int first = 0, block = 1, count = 0;
};

AxisWindow visible_cells(const QCPAxis* axis, int cells) {
  const QCPRange r = axis->range();
  AxisWindow w;
  w.lo = std::clamp(static_cast<int>(std::floor(r.lower + 0.5)), 0, cells - 1);
  w.hi = std::clamp(static_cast<int>(std::ceil(r.upper - 0.5)), w.lo, cells - 1);
  return w;
}

void set_block(AxisWindow& w, int block) {
  w.block = block;
  w.first = w.lo - w.lo % block;  // aligned to multiples of the block: panning keeps the blocks
  w.count = (w.hi + 1 - w.first + block - 1) / block;
}

// QCPColorMap spreads `size` cells evenly over a range from the first cell's centre to the
// last's; a single cell would have no width, so it is split in two.
void set_axis(const AxisWindow& w, int* size, QCPRange* range) {
  const double start = w.first - 0.5, end = start + double(w.count) * w.block;
  *size = std::max(2, w.count);
  const double half = (end - start) / *size / 2;
  *range = QCPRange(start + half, end - half);
}

}  // namespace

int MatrixPlot::updateCells(QCustomPlot* plot, QCPColorMap* cm, const DisplayMap& map, Pooling pooling) {
  const int rows = static_cast<int>(map.shade.rows()), cols = static_cast<int>(map.shade.cols());
  if (rows == 0 || cols == 0) {
    cm->data()->clear();
    return 1;
  }
  // Before the first layout the axis rect has no size yet: assume a large window.
  const double dpr = plot->devicePixelRatioF();
  const QRect area = plot->xAxis->axisRect()->rect();
  const int px = area.width() > 16 ? static_cast<int>(area.width() * dpr) : 1600;
  const int py = area.height() > 16 ? static_cast<int>(area.height() * dpr) : 1600;
  AxisWindow x = visible_cells(plot->xAxis, cols), y = visible_cells(plot->yAxis, rows);
  auto needed = [](const AxisWindow& w, int pixels) { return (w.hi - w.lo + 1 + std::max(pixels, 1) - 1) / std::max(pixels, 1); };
  const int block = std::max({1, needed(x, px), needed(y, py)});  // one size for both axes: square blocks
  set_block(x, block);
  set_block(y, block);
  int nx = 0, ny = 0;
  QCPRange kr, vr;
  set_axis(x, &nx, &kr);
  set_axis(y, &ny, &vr);
  QCPColorMapData* data = cm->data();
  data->setSize(nx, ny);
  data->setRange(kr, vr);
  const int split_x = nx / x.count, split_y = ny / y.count;  // 2 when a single block was split
  std::vector<float> pooled(static_cast<size_t>(x.count));
  std::vector<int> counted(static_cast<size_t>(x.count));
  for (int by = 0; by < y.count; ++by) {
    const int r0 = y.first + by * block, r1 = std::min(rows, r0 + block);
    // One streaming pass over the block's rows: the cost is the visible cells. Masked (NaN)
    // cells are left out; a block of masked cells only stays masked.
    std::fill(pooled.begin(), pooled.end(), pooling == Pooling::Max ? -std::numeric_limits<float>::infinity() : 0.0f);
    std::fill(counted.begin(), counted.end(), 0);
    for (int r = r0; r < r1; ++r) {
      const float* row = map.shade.data() + static_cast<Eigen::Index>(r) * cols;
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
      double v = k == 0 ? std::numeric_limits<double>::quiet_NaN() : pooled[static_cast<size_t>(bx)];
      if (pooling == Pooling::Mean && k > 0) v /= k;
      for (int sy = 0; sy < split_y; ++sy)
        for (int sx = 0; sx < split_x; ++sx) data->setCell(bx * split_x + sx, by * split_y + sy, v);
    }
  }
  return block;
}

bool MatrixPlot::updateTickLabels(QCustomPlot* plot, const DisplayMap& map, const QStringList& labels) {
  bool changed = false;
  auto thin = [&](QCPAxis* axis, const std::vector<int>& tokens) {
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    const QFontMetrics fm(axis->tickLabelFont());
    const double pixels_per_cell = std::abs(axis->coordToPixel(1) - axis->coordToPixel(0));
    const int line = fm.height() + 1;
    const int step = std::max(1, static_cast<int>(std::ceil(line / std::max(pixels_per_cell, 1e-3))));
    const QCPRange r = axis->range();
    const int first = std::max(0, static_cast<int>(std::floor(r.lower)));
    const int last = std::min(static_cast<int>(tokens.size()) - 1, static_cast<int>(std::ceil(r.upper)));
    for (int i = first - first % step; i <= last; i += step) {
      if (i < first) continue;
      const int t = tokens[static_cast<size_t>(i)];
      ticker->addTick(i, displayLabel(t < labels.size() ? labels[t] : QString::number(t)));
    }
    auto old = axis->ticker().dynamicCast<QCPAxisTickerText>();
    if (old && old->ticks() == ticker->ticks()) return;
    axis->setTicker(ticker);
    changed = true;
  };
  thin(plot->xAxis, map.col_tokens);
  thin(plot->yAxis, map.row_tokens);
  return changed;
}

QPoint MatrixPlot::cellAt(QCustomPlot* plot, const DisplayMap& map, const QPointF& pos) {
  if (!plot->axisRect() || !plot->axisRect()->rect().contains(pos.toPoint())) return {-1, -1};
  const int c = static_cast<int>(std::lround(plot->xAxis->pixelToCoord(pos.x())));
  const int r = static_cast<int>(std::lround(plot->yAxis->pixelToCoord(pos.y())));
  if (r < 0 || c < 0 || r >= map.values.rows() || c >= map.values.cols()) return {-1, -1};
  return {c, r};
}

}  // namespace attnscope::ui
