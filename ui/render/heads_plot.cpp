#include "ui/render/heads_plot.h"

#include <cmath>
#include <limits>
#include <map>
#include <set>

#include <qcustomplot.h>

namespace attnscope::ui {

QStringList head_statistic_names(bool causal, bool image) {
  QStringList names{"entropy", "entropy_normalized", "mean_distance", "special_mass", "sink_mass", "previous_token", "self"};
  if (image) names.removeAll("previous_token");
  if (causal) names << "induction";
  return names;
}

QString head_statistic_title(const QString& name, bool image) {
  if (name == "entropy") return QObject::tr("entropy (nats)");
  if (name == "entropy_normalized") return QObject::tr("entropy / log(row length)");
  if (name == "mean_distance")
    return image ? QObject::tr("mean attention distance (pixels of the model input)") : QObject::tr("mean attention distance (tokens)");
  if (name == "special_mass") return QObject::tr("attention on special tokens");
  if (name == "sink_mass") return QObject::tr("attention on the first token (sink)");
  if (name == "previous_token") return QObject::tr("previous-token score");
  if (name == "self") return QObject::tr("self (diagonal) score");
  if (name == "induction") return QObject::tr("induction score");
  return name;
}

double head_statistic(const HeadStats& s, const QString& name) { return head_stat_value(s, name.toStdString()); }

QString corpus_quantity_title(CorpusQuantity q) {
  switch (q) {
    case CorpusQuantity::Std: return QObject::tr("standard deviation over the inputs");
    case CorpusQuantity::Median: return QObject::tr("median over the inputs");
    case CorpusQuantity::P05: return QObject::tr("5th percentile over the inputs");
    case CorpusQuantity::P95: return QObject::tr("95th percentile over the inputs");
    default: return QObject::tr("mean over the inputs");
  }
}

double corpus_quantity(const CorpusStatistic& c, CorpusQuantity q) {
  switch (q) {
    case CorpusQuantity::Std: return c.std;
    case CorpusQuantity::Median: return c.p50;
    case CorpusQuantity::P05: return c.p05;
    case CorpusQuantity::P95: return c.p95;
    default: return c.mean;
  }
}

std::vector<HeadStats> corpus_head_stats(const CorpusSummary& summary, CorpusQuantity q, std::vector<int>* layers, int* heads) {
  std::map<std::pair<int, int>, HeadStats> by_head;
  for (const CorpusStatistic& c : summary.rows) {
    HeadStats& h = by_head[{c.layer, c.head}];
    h.layer = c.layer;
    h.head = c.head;
    set_head_stat_value(h, c.statistic, corpus_quantity(c, q));
  }
  std::vector<HeadStats> out;
  std::set<int> seen;
  int most = 0;
  for (const auto& [key, h] : by_head) {
    out.push_back(h);
    seen.insert(key.first);
    most = std::max(most, key.second + 1);
  }
  if (layers) layers->assign(seen.begin(), seen.end());
  if (heads) *heads = most;
  return out;
}

void HeadsPlot::setup(QCustomPlot* plot, const std::vector<HeadStats>& stats, const std::vector<int>& layers, int heads,
                      const QString& statistic, const ColorMap& cmap, int selected_layer, int selected_head, const QString& title,
                      const QStringList& layer_labels, const QStringList& head_labels, bool image, const QString& scale_label) {
  plot->clearPlottables();
  plot->clearItems();
  plot->plotLayout()->clear();
  auto* rect = new QCPAxisRect(plot);
  int row = 0;
  if (!title.isEmpty()) {
    plot->plotLayout()->addElement(row++, 0, new QCPTextElement(plot, title, QFont(plot->font().family(), 11, QFont::Bold)));
  }
  plot->plotLayout()->addElement(row, 0, rect);
  plot->xAxis = rect->axis(QCPAxis::atBottom);
  plot->yAxis = rect->axis(QCPAxis::atLeft);
  const int L = static_cast<int>(layers.size());
  auto* cm = new QCPColorMap(plot->xAxis, plot->yAxis);
  cm->data()->setSize(std::max(heads, 1), std::max(L, 1));
  cm->data()->setRange(QCPRange(0, std::max(heads - 1, 0)), QCPRange(0, std::max(L - 1, 0)));
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const HeadStats& s : stats) {
    const auto it = std::find(layers.begin(), layers.end(), s.layer);
    if (it == layers.end()) continue;
    const double v = head_statistic(s, statistic);
    cm->data()->setCell(s.head, static_cast<int>(it - layers.begin()), v);
    if (std::isfinite(v)) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  if (!std::isfinite(lo)) lo = 0, hi = 1;
  if (hi <= lo) hi = lo + 1e-9;
  cm->setGradient(cmap.gradient());
  cm->setInterpolate(false);
  cm->setDataRange(QCPRange(lo, hi));
  auto* scale = new QCPColorScale(plot);
  plot->plotLayout()->addElement(row, 1, scale);
  scale->setType(QCPAxis::atRight);
  scale->axis()->setLabel(scale_label.isEmpty() ? head_statistic_title(statistic, image) : scale_label);
  scale->setGradient(cmap.gradient());
  cm->setColorScale(scale);
  cm->setDataRange(QCPRange(lo, hi));
  auto* group = new QCPMarginGroup(plot);
  rect->setMarginGroup(QCP::msBottom | QCP::msTop, group);
  scale->setMarginGroup(QCP::msBottom | QCP::msTop, group);

  QSharedPointer<QCPAxisTickerText> xt(new QCPAxisTickerText), yt(new QCPAxisTickerText);
  for (int h = 0; h < heads; ++h) xt->addTick(h, h < head_labels.size() ? head_labels[h] : QString("H%1").arg(h));
  for (int r = 0; r < L; ++r)
    yt->addTick(r, r < layer_labels.size() ? layer_labels[r] : QString("L%1").arg(layers[static_cast<size_t>(r)]));
  if (!head_labels.isEmpty() && head_labels.front().size() > 3) plot->xAxis->setTickLabelRotation(-40);
  plot->xAxis->setTicker(xt);
  plot->yAxis->setTicker(yt);
  plot->xAxis->setLabel(QObject::tr("head"));
  plot->yAxis->setLabel(QObject::tr("layer"));
  for (QCPAxis* a : {plot->xAxis, plot->yAxis}) {
    a->grid()->setVisible(false);
    a->setSubTicks(false);
  }
  plot->yAxis->setRangeReversed(true);
  plot->xAxis->setRange(-0.5, heads - 0.5);
  plot->yAxis->setRange(-0.5, L - 0.5);
  const auto it = std::find(layers.begin(), layers.end(), selected_layer);
  if (it != layers.end() && selected_head >= 0) {
    auto* box = new QCPItemRect(plot);
    const double r = static_cast<double>(it - layers.begin());
    box->topLeft->setCoords(selected_head - 0.5, r - 0.5);
    box->bottomRight->setCoords(selected_head + 0.5, r + 0.5);
    box->setPen(QPen(QColor(220, 40, 40), 3));
  }
}

std::pair<int, int> HeadsPlot::cellAt(QCustomPlot* plot, const std::vector<int>& layers, int heads, const QPointF& pos) {
  if (!plot->axisRect() || !plot->axisRect()->rect().contains(pos.toPoint())) return {-1, -1};
  const int h = static_cast<int>(std::lround(plot->xAxis->pixelToCoord(pos.x())));
  const int r = static_cast<int>(std::lround(plot->yAxis->pixelToCoord(pos.y())));
  if (h < 0 || h >= heads || r < 0 || r >= static_cast<int>(layers.size())) return {-1, -1};
  return {layers[static_cast<size_t>(r)], h};
}

}  // namespace attnscope::ui
