#include "ui/views/prediction_view.h"

#include "ui/document/analysis_document.h"
#include "ui/views/lazy_refresh.h"
#include "ui/render/color_map.h"
#include "ui/render/prediction_renderer.h"

namespace attnscope::ui {

PredictionView::PredictionView(AnalysisDocument* document, QWidget* parent) : RendererView(parent), document_(document) {
  auto refresh = [this] { setRenderer(makeRenderer(*document_, document_->state())); };
  auto* lazy = new LazyRefresh(this, refresh);
  connect(document_, &AnalysisDocument::analysisChanged, lazy, &LazyRefresh::request);
  connect(document_, &AnalysisDocument::stateChanged, lazy, &LazyRefresh::request);
  refresh();
}

std::unique_ptr<PredictionRenderer> PredictionView::makeRenderer(const AnalysisDocument& doc, const ViewState& s) {
  auto r = std::make_unique<PredictionRenderer>();
  r->bar_color = ColorMap(s.color_map).color(0.25);
  if (!doc.hasAnalysis()) {
    r->title = QObject::tr("Run a model to see its predictions.");
    return r;
  }
  const Analysis& a = *doc.analysis();
  const bool lm = a.model.head == HeadKind::LanguageModel;
  if (lm) {
    QString last = a.labels.empty() ? QString() : QString::fromStdString(a.labels.back());
    r->title = QObject::tr("Next token after \u201c%1\u201d").arg(last.trimmed());
  } else {
    r->title = QObject::tr("Top classes");
  }
  for (const auto& p : a.predictions) {
    QString label = QString::fromStdString(p.label);
    if (lm) label = "\u201c" + label + "\u201d";
    r->bars.push_back({label, p.probability});
  }
  return r;
}

}  // namespace attnscope::ui
