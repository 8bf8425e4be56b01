#pragma once

#include <memory>

#include "ui/document/view_state.h"
#include "ui/render/text_renderer.h"

namespace attnscope::ui {

class AnalysisDocument;

// The Text view's figure: the input text shaded by the query token's attention row.
std::unique_ptr<TextRenderer> text_figure(const AnalysisDocument& document, const ViewState& state);

}  // namespace attnscope::ui
