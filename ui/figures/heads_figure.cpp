#include "ui/figures/heads_figure.h"

#include <algorithm>
#include <cmath>

#include "ui/document/analysis_document.h"
#include "ui/render/axis_labels.h"

namespace attnscope::ui {

namespace {

std::unique_ptr<HeadsRenderer> grid(const std::vector<HeadStats>& stats, const std::vector<int>& layers, int heads, const ViewState& s) {
  auto r = std::make_unique<HeadsRenderer>();
  r->cmap = ColorMap(s.color_map);
  r->layers = layers;
  r->values.setConstant(static_cast<Eigen::Index>(layers.size()), std::max(heads, 0), std::nan(""));
  for (const HeadStats& h : stats) {
    const auto it = std::find(layers.begin(), layers.end(), h.layer);
    if (it == layers.end() || h.head < 0 || h.head >= heads) continue;
    r->values(it - layers.begin(), h.head) = head_statistic(h, s.statistic);
  }
  if (per_layer(s.method) && s.head_mode == HeadMode::Single) {
    const auto it = std::find(layers.begin(), layers.end(), s.layer);
    if (it != layers.end()) r->selected_row = static_cast<int>(it - layers.begin()), r->selected_head = s.head;
  }
  return r;
}

void set_range(HeadsRenderer& r, const ViewState& s, std::optional<std::pair<double, double>> fixed) {
  if (!s.heads_auto_range && fixed) {
    r.fixed_range = fixed;
    r.range_note = QObject::tr("fixed range");
  } else {
    r.range_note = QObject::tr("from the lowest to the highest head");
  }
}

}  // namespace

std::unique_ptr<HeadsRenderer> heads_figure(const AnalysisDocument& doc, const ViewState& s, const QString& title) {
  if (!doc.hasAnalysis()) return std::make_unique<HeadsRenderer>();
  const AttentionMaps& att = doc.analysis()->forward.attentions;
  const ModelInfo& model = doc.analysis()->model;
  auto r = grid(doc.headStats(), att.layers, att.num_heads, s);
  QString ablation_note;
  if (s.statistic == "ablation") {
    // Each head's effect on the prediction, for the layers that were ablated.
    if (const auto ab = doc.ablation()) {
      for (size_t i = 0; i < ab->layers.size(); ++i) {
        const auto it = std::find(att.layers.begin(), att.layers.end(), ab->layers[i]);
        if (it == att.layers.end()) continue;
        for (int h = 0; h < ab->num_heads && h < att.num_heads; ++h)
          r->values(it - att.layers.begin(), h) = ab->probability_change.data[i * static_cast<size_t>(ab->num_heads) + static_cast<size_t>(h)];
      }
      ablation_note = QObject::tr("\u201c%1\u201d, p = %2 intact").arg(QString::fromStdString(ab->target_label).trimmed())
                          .arg(ab->probability, 0, 'f', 3);
    } else {
      ablation_note = doc.derivedNote(Derived::Ablation, QObject::tr("Head ablation runs when this statistic is shown."));
    }
  }
  for (int l : att.layers) r->layer_labels << layer_label(model, l);
  for (int h = 0; h < att.num_heads; ++h) r->head_labels << head_label(model, h);
  r->title = title;
  const bool image = model.modality == Modality::Image;
  r->scale_label = head_statistic_title(s.statistic, image);
  if (!ablation_note.isEmpty()) r->scale_label += QString::fromUtf8(" \u00b7 ") + ablation_note;
  set_range(*r, s, head_statistic_range(s.statistic, doc.seqLen(), image));
  if (s.statistic == "ablation" && doc.ablation()) {
    // A signed change: blue where removing the head lowers the prediction, red where it raises it,
    // white at 0 (the scale symmetric about it).
    double m = 1e-6;
    for (Eigen::Index i = 0; i < r->values.size(); ++i)
      if (std::isfinite(r->values.data()[i])) m = std::max(m, std::abs(double(r->values.data()[i])));
    r->cmap = ColorMap(ColorMapId::Diverging);
    r->fixed_range = std::make_pair(-m, m);
    r->range_note = QObject::tr("symmetric about 0");
  }
  return r;
}

std::unique_ptr<HeadsRenderer> corpus_heads_figure(const AnalysisDocument& doc, const ViewState& s, CorpusQuantity quantity,
                                                   const QString& title) {
  if (!doc.corpus()) return std::make_unique<HeadsRenderer>();
  std::vector<int> layers;
  int heads = 0;
  const std::vector<HeadStats> stats = corpus_head_stats(doc.corpus()->summary, quantity, &layers, &heads);
  auto r = grid(stats, layers, heads, s);
  for (int l : layers) r->layer_labels << QString("L%1").arg(l);
  for (int h = 0; h < heads; ++h) r->head_labels << QString("H%1").arg(h);
  r->title = title;
  r->scale_label = head_statistic_title(s.statistic) + ", " + corpus_quantity_title(quantity);
  // A spread has no fixed range of its own; the other quantities are values of the statistic.
  set_range(*r, s, quantity == CorpusQuantity::Std ? std::nullopt : head_statistic_range(s.statistic, 0));
  return r;
}

}  // namespace attnscope::ui
