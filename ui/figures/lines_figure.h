#pragma once

#include <memory>

#include "ui/document/view_state.h"
#include "ui/render/lines_renderer.h"

namespace attnscope::ui {

class AnalysisDocument;

// The Lines view's figure (BertViz's two token columns joined by weighted lines): the selected head,
// or each head of a subset in its own colour.
std::unique_ptr<LinesRenderer> lines_figure(const AnalysisDocument& document, const ViewState& state);

}  // namespace attnscope::ui
