#pragma once

#include <memory>

#include "ui/document/view_state.h"
#include "ui/render/charts_renderer.h"

namespace attnscope::ui {

class AnalysisDocument;

// The Inside view's figure: softmax(q K^T / sqrt(d_k)) V for the selected layer, head and query
// token, step by step: q and the keys, the scores before and after scaling, the softmax weights
// beside the weights other scoring functions would give, and V with the output vector, each row
// with its formula filled in, at the selection's temperature. Needs the document's captured Q, K
// and V of the layer; without them the header says so and `missing_layer` (if given) names it.
std::unique_ptr<ChartsRenderer> inside_figure(const AnalysisDocument& document, const ViewState& state, int* missing_layer = nullptr);

// The rows of an Inside figure, in order.
enum InsideRow : size_t { kInsideQueryKeys, kInsideScores, kInsideWeights, kInsideValues };

}  // namespace attnscope::ui
