#include "ui/render/matrix_plot.h"

#include <algorithm>
#include <cmath>

#include <qcustomplot.h>

namespace attnscope::ui {

QString MatrixPlot::displayLabel(const QString& token) {
  QString s = token;
  s.replace('\n', QString::fromUtf8("\u21b5"));
  s.replace('\t', QString::fromUtf8("\u21e5"));
  if (s.startsWith(' ')) s[0] = QChar(0x2423);  // ␣ marks a leading space ("Ġworld", "▁the")
  if (s.isEmpty()) s = QString::fromUtf8("\u2205");
  if (s.size() > 16) s = s.left(15) + QChar(0x2026);
  return s;
}

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
  cm->data()->setSize(cols, rows);
  cm->data()->setRange(QCPRange(0, std::max(cols - 1, 0)), QCPRange(0, std::max(rows - 1, 0)));
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) cm->data()->setCell(c, r, map.shade(r, c));
  cm->setInterpolate(false);
  cm->setTightBoundary(false);
  cm->setGradient(cmap.gradient());
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
