#pragma once

#include <memory>

#include "ui/document/view_state.h"
#include "ui/render/prediction_renderer.h"

namespace attnscope::ui {

class AnalysisDocument;

// The Prediction view's figure: the top classes, or the next-token candidates, as bars.
std::unique_ptr<PredictionRenderer> prediction_figure(const AnalysisDocument& document, const ViewState& state);

}  // namespace attnscope::ui
