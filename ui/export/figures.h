#pragma once

#include <memory>

#include <QRectF>
#include <QString>

#include "ui/document/view_state.h"
#include "ui/render/figure_renderer.h"

namespace attnscope::ui {

class AnalysisDocument;

struct FigureRequest {
  ViewKind view = ViewKind::Matrix;
  ViewState state;            // the selection to draw (usually the document's)
  bool title = true;          // a title naming model, layer, head, method and scale
  std::optional<QRectF> zoom; // Matrix: visible key (x) and query (y) ranges, as on screen
};

// The figure of one view for a selection, built by ui/figures/: the renderer the view draws on
// screen with, painted here without any widget. Throws Error(Usage) when there is nothing to draw.
std::unique_ptr<FigureRenderer> make_figure(const AnalysisDocument& document, const FigureRequest& request);

// "stories260K · L2 · H3 · raw · row scale" -- for titles and file names.
QString figure_title(const AnalysisDocument& document, const ViewState& state, ViewKind view);
// "matrix_L02_H03_raw" -- a file name stem naming the selection.
QString figure_stem(const ViewState& state, ViewKind view);

}  // namespace attnscope::ui
