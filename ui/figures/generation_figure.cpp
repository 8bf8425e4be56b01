#include "ui/figures/generation_figure.h"

#include <algorithm>

#include "ui/document/analysis_document.h"

namespace attnscope::ui {

namespace {

// Step `s`'s row in layer `layer` for the selected head, or the heads fused as the selection says
// (mean of a subset; max and min renormalised, as the fused maps are).
std::vector<double> selected_row(const attnscope::Generation& g, size_t s, int layer, const ViewState& state) {
  const auto it = std::find(g.layers.begin(), g.layers.end(), layer);
  const int context = g.steps[s].context;
  std::vector<double> row(static_cast<size_t>(context), 0.0);
  if (it == g.layers.end()) return row;
  const int slot = static_cast<int>(it - g.layers.begin());
  // The heads the selection fuses, as fusion_for() names them for the other views.
  std::vector<int> heads = state.head_mode == HeadMode::Single ? std::vector<int>{std::clamp(state.head, 0, g.num_heads - 1)}
                                                               : fusion_for(state).heads;
  if (heads.empty())
    for (int h = 0; h < g.num_heads; ++h) heads.push_back(h);
  const bool mx = state.head_mode == HeadMode::Max, mn = state.head_mode == HeadMode::Min;
  for (size_t k = 0; k < heads.size(); ++k) {
    const float* r = g.row(s, slot, heads[k]);
    for (int j = 0; j < context; ++j) {
      double& v = row[static_cast<size_t>(j)];
      if (mx) v = k == 0 ? r[j] : std::max(v, double(r[j]));
      else if (mn) v = k == 0 ? r[j] : std::min(v, double(r[j]));
      else v += r[j] / static_cast<double>(heads.size());
    }
  }
  if (mx || mn) {
    double sum = 0;
    for (double v : row) sum += v;
    if (sum > 0)
      for (double& v : row) v /= sum;
  }
  return row;
}

}  // namespace

std::unique_ptr<GenerationRenderer> generation_figure(const GenerationData& data, int step, const ViewState& state) {
  auto r = std::make_unique<GenerationRenderer>();
  r->cmap = ColorMap(state.color_map);
  r->title = QObject::tr("Generation");
  const attnscope::Generation& g = data.generation;
  if (step < 1 || step > data.steps()) {
    r->tokens = data.labels.mid(0, data.promptTokens());
    r->prompt_tokens = data.promptTokens();
    r->subject = QObject::tr("the prompt");
    return r;
  }
  const size_t s = static_cast<size_t>(step - 1);
  const attnscope::GenerationStep& st = g.steps[s];
  r->tokens = data.labels.mid(0, st.context + 1);
  r->prompt_tokens = data.promptTokens();
  r->weights = selected_row(g, s, state.layer, state);
  r->candidates = data.candidates[s];
  for (const auto& c : st.candidates) r->probabilities.push_back(c.probability);
  for (size_t k = 0; k < st.candidates.size(); ++k)
    if (st.candidates[k].id == st.token) r->chosen = static_cast<int>(k);
  ViewState raw = state;  // the rows are raw weights whatever the Method
  raw.method = Method::Raw;
  const QString heads = describe(raw).section(QStringLiteral(" \u00b7 "), 1, 1);
  r->subject = QObject::tr("step %1/%2 · layer %3 · %4 · query “%5” → “%6”")
                   .arg(step)
                   .arg(data.steps())
                   .arg(state.layer)
                   .arg(heads)
                   .arg(data.labels.value(st.context - 1))
                   .arg(data.labels.value(st.context));
  const double top = r->weights.empty() ? 1.0 : *std::max_element(r->weights.begin(), r->weights.end());
  r->bar = ColorBar{r->cmap, 0.0, top, false, QObject::tr("attention weight (raw)")};
  return r;
}

}  // namespace attnscope::ui
