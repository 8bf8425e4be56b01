#include "ui/figures/prediction_figure.h"

#include "ui/document/analysis_document.h"
#include "ui/render/color_map.h"

namespace attnscope::ui {

std::unique_ptr<PredictionRenderer> prediction_figure(const AnalysisDocument& doc, const ViewState& s) {
  auto r = std::make_unique<PredictionRenderer>();
  r->bar_color = ColorMap(s.color_map).color(0.25);
  if (!doc.hasAnalysis()) {
    r->caption = QObject::tr("Run a model to see its predictions.");
    return r;
  }
  const Analysis& a = *doc.analysis();
  const bool lm = a.model.head == HeadKind::LanguageModel;
  if (lm) {
    QString last = a.labels.empty() ? QString() : QString::fromStdString(a.labels.back());
    r->caption = QObject::tr("Next token after \u201c%1\u201d").arg(last.trimmed());
  } else {
    r->caption = QObject::tr("Top classes");
  }
  for (const auto& p : a.predictions) {
    QString label = QString::fromStdString(p.label);
    if (lm) label = "\u201c" + label + "\u201d";
    r->bars.push_back({label, p.probability});
  }
  return r;
}

}  // namespace attnscope::ui
