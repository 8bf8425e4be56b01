#pragma once

#include <memory>
#include <optional>

#include <QRectF>
#include <QString>

#include "ui/document/view_state.h"
#include "ui/render/figure_renderer.h"

namespace attnscope::ui {

class AnalysisDocument;

// The Heads view's figure: the chosen statistic for every layer and head, the selected head outlined.
std::unique_ptr<FigureRenderer> heads_figure(const AnalysisDocument& document, const ViewState& state, const QString& title);

}  // namespace attnscope::ui
