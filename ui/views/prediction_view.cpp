#include "ui/views/prediction_view.h"

#include "ui/document/analysis_document.h"
#include "ui/figures/prediction_figure.h"
#include "ui/views/lazy_refresh.h"
#include "ui/render/prediction_renderer.h"

namespace attnscope::ui {

PredictionView::PredictionView(AnalysisDocument* document, QWidget* parent) : RendererView(parent), document_(document) {
  setToolTip(tr("Language models: the prediction at the query token; click a token in the Text, Lines or Matrix view to choose "
                "it (masked LMs start at the first [MASK])"));
  auto refresh = [this] { setRenderer(prediction_figure(*document_, document_->state())); };
  auto* lazy = new LazyRefresh(this, refresh);
  connect(document_, &AnalysisDocument::analysisChanged, lazy, &LazyRefresh::request);
  // The predictions at the query position, in the colours; not the layer, heads or scale.
  connect(document_, &AnalysisDocument::selectionEdited, lazy, [lazy](SelectionParts parts) {
    if (parts & (SelectionPart::Colors | SelectionPart::Query)) lazy->request();
  });
  refresh();
}

}  // namespace attnscope::ui
