#pragma once

#include <memory>
#include <optional>

#include <QRectF>
#include <QString>

#include "ui/document/view_state.h"
#include "ui/render/figure_renderer.h"

namespace attnscope::ui {

class AnalysisDocument;

// The Matrix view's figure: the selected map (head, fusion, rollout or flow) with token labels and a
// colour bar; `zoom` gives the visible key (x) and query (y) ranges, as on screen.
std::unique_ptr<FigureRenderer> matrix_figure(const AnalysisDocument& document, const ViewState& state, const QString& title, std::optional<QRectF> zoom = {});

}  // namespace attnscope::ui
