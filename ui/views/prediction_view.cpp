#include "ui/views/prediction_view.h"

#include "ui/document/analysis_document.h"
#include "ui/figures/prediction_figure.h"
#include "ui/views/lazy_refresh.h"
#include "ui/render/prediction_renderer.h"

namespace attnscope::ui {

PredictionView::PredictionView(AnalysisDocument* document, QWidget* parent) : RendererView(parent), document_(document) {
  auto refresh = [this] { setRenderer(prediction_figure(*document_, document_->state())); };
  auto* lazy = new LazyRefresh(this, refresh);
  connect(document_, &AnalysisDocument::analysisChanged, lazy, &LazyRefresh::request);
  // The predictions depend on the result alone; of the selection only the colours show.
  connect(document_, &AnalysisDocument::selectionEdited, lazy, [lazy](SelectionParts parts) {
    if (parts & SelectionPart::Colors) lazy->request();
  });
  refresh();
}

}  // namespace attnscope::ui
