#include "ui/figures/heads_figure.h"

#include <algorithm>

#include <qcustomplot.h>

#include "ui/document/analysis_document.h"
#include "ui/render/axis_labels.h"
#include "ui/render/heads_plot.h"
#include "ui/render/qcp_figure.h"

namespace attnscope::ui {

std::unique_ptr<FigureRenderer> heads_figure(const AnalysisDocument& doc, const ViewState& s, const QString& title) {
  const AttentionMaps& att = doc.analysis()->forward.attentions;
  const auto stats = doc.headStats();
  const std::vector<int> layers = att.layers;
  const int heads = att.num_heads;
  const ColorMap cmap(s.color_map);
  const bool single = s.method == Method::Raw && s.head_mode == HeadMode::Single;
  const ModelInfo& model = doc.analysis()->model;
  QStringList layer_labels, head_labels;
  for (int l : layers) layer_labels << layer_label(model, l);
  for (int h = 0; h < heads; ++h) head_labels << head_label(model, h);
  auto setup = [=](QCustomPlot* plot) {
    HeadsPlot::setup(plot, stats, layers, heads, s.statistic, cmap, single ? s.layer : -1, single ? s.head : -1, title,
                     layer_labels, head_labels, model.modality == Modality::Image);
  };
  return std::make_unique<QcpFigure>(setup, QSizeF(std::max(480, 120 + 70 * heads), std::max(360, 100 + 40 * static_cast<int>(layers.size()))));
}

}  // namespace attnscope::ui
