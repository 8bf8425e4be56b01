#include "ui/render/head_statistics.h"

#include <QObject>

#include <cmath>
#include <map>
#include <set>

namespace attnscope::ui {

QStringList head_statistic_names(bool causal, bool image, bool ablation) {
  QStringList names{"entropy", "entropy_normalized", "mean_distance", "special_mass", "sink_mass", "previous_token", "self"};
  if (image) names.removeAll("previous_token");
  if (causal) names << "induction";
  if (ablation) names << "ablation";
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
  if (name == "ablation") return QObject::tr("ablation: \u0394p of the prediction");
  return name;
}

std::optional<std::pair<double, double>> head_statistic_range(const QString& name, int tokens, bool image) {
  if (name == "ablation") return std::nullopt;  // a signed change, mostly far inside [-1, 1]
  if (name == "entropy") {
    if (tokens > 1) return std::pair{0.0, std::log(static_cast<double>(tokens))};
    return std::nullopt;
  }
  if (name == "mean_distance") {
    if (image || tokens < 2) return std::nullopt;
    return std::pair{0.0, static_cast<double>(tokens - 1)};
  }
  return std::pair{0.0, 1.0};  // the normalised entropy and every mass-type score
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

}  // namespace attnscope::ui
