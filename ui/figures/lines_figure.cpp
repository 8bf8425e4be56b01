#include "ui/figures/lines_figure.h"

#include "ui/document/analysis_document.h"
#include "ui/document/map_builder.h"

namespace attnscope::ui {

std::unique_ptr<LinesRenderer> lines_figure(const AnalysisDocument& doc, const ViewState& s) {
  auto r = std::make_unique<LinesRenderer>();
  if (!doc.hasAnalysis()) return r;
  const QStringList labels = doc.tokenLabels();
  auto add = [&](const ViewState& vs, const QColor& color, const QString& name) {
    const DisplayMap m = build_display_map(doc, vs);
    if (m.empty()) return;
    if (r->labels.isEmpty()) {
      for (int t : m.row_tokens) r->labels << labels.value(t);
      r->row_tokens = m.row_tokens;
      r->col_tokens = m.col_tokens;
    }
    r->heads.push_back({color, name, m.values});
  };
  if (s.method == Method::Raw && s.head_mode == HeadMode::Subset) {
    for (int h : s.subset) {
      ViewState one = s;
      one.head_mode = HeadMode::Single;
      one.head = h;
      add(one, LinesRenderer::headColor(h), QString("H%1").arg(h));
    }
    r->title = QObject::tr("Layer %1, heads overlaid").arg(s.layer);
  } else {
    const int color = s.head_mode == HeadMode::Single ? s.head : 0;
    add(s, LinesRenderer::headColor(color), describe(s));
    r->title = describe(s);
  }
  return r;
}

}  // namespace attnscope::ui
