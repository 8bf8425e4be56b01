#include "ui/figures/lines_figure.h"

#include <algorithm>
#include <functional>

#include "ui/document/analysis_document.h"
#include "ui/document/map_builder.h"

namespace attnscope::ui {

namespace {
// The smallest weight drawn in each row: at least `min_weight`, and with `top_k` > 0 the row's
// k-th largest weight (ties at the k-th are all drawn).
std::vector<float> row_cuts(const attnscope::RowMatrix& w, double min_weight, int top_k) {
  std::vector<float> cut(static_cast<size_t>(w.rows()), static_cast<float>(min_weight));
  if (top_k <= 0 || top_k >= w.cols()) return cut;
  std::vector<float> row(static_cast<size_t>(w.cols()));
  for (Eigen::Index i = 0; i < w.rows(); ++i) {
    for (Eigen::Index j = 0; j < w.cols(); ++j) row[static_cast<size_t>(j)] = std::isnan(w(i, j)) ? 0.0f : w(i, j);
    std::nth_element(row.begin(), row.begin() + (top_k - 1), row.end(), std::greater<float>());
    cut[static_cast<size_t>(i)] = std::max(cut[static_cast<size_t>(i)], row[static_cast<size_t>(top_k - 1)]);
  }
  return cut;
}
}  // namespace

std::unique_ptr<LinesRenderer> lines_figure(const AnalysisDocument& doc, const ViewState& s) {
  auto r = std::make_unique<LinesRenderer>();
  if (!doc.hasAnalysis()) return r;
  auto add = [&](const ViewState& vs, int head, const QString& name) {
    const DisplayMap m = build_display_map_or_raw(doc, vs);
    if (!m.pending.isEmpty()) r->pending = m.pending;
    if (m.empty()) return;
    if (r->labels.isEmpty()) {
      r->labels = m.labels;
      r->row_tokens = m.row_tokens;
      r->col_tokens = m.col_tokens;
    }
    const QColor color = LinesRenderer::overlayColor(static_cast<int>(r->heads.size()));
    attnscope::RowMatrix shown = s.segments == SegmentFilter::All  // the filtered-out pairs draw no line
                                     ? m.values
                                     : (m.shade.array().isNaN()).select(0.0f, m.values.array()).matrix();
    std::vector<float> cuts = row_cuts(shown, s.lines_min_weight, s.lines_top_k);
    r->heads.push_back({color, name, head, std::move(shown), std::move(cuts)});
  };
  if (per_layer(s.method)) r->num_heads = doc.numHeads();
  if (per_layer(s.method) && s.head_mode == HeadMode::Subset) {
    for (int h : s.subset) {
      ViewState one = s;
      one.head_mode = HeadMode::Single;
      one.head = h;
      add(one, h, QString("H%1").arg(h));
    }
    r->title = QObject::tr("Layer %1, heads overlaid").arg(s.layer);
  } else {
    add(s, per_layer(s.method) && s.head_mode == HeadMode::Single ? s.head : -1, describe(s));
    r->title = describe(s);
  }
  QStringList filter;
  if (s.segments != SegmentFilter::All) filter << to_string(s.segments).replace("->", QString::fromUtf8("\u2192"));
  if (s.lines_min_weight > 0) filter << QObject::tr("lines of weight \u2265 %1").arg(s.lines_min_weight, 0, 'g', 3);
  if (s.lines_top_k > 0) filter << QObject::tr("the %n strongest per query", nullptr, s.lines_top_k);
  r->filter = filter.join(QString::fromUtf8(" \u00b7 "));
  return r;
}

}  // namespace attnscope::ui
