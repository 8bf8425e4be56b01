#pragma once

#include <memory>

#include "ui/document/view_state.h"
#include "ui/render/cross_renderer.h"

namespace attnscope::ui {

class AnalysisDocument;

// The Cross view's figure: a T5 decoder's cross-attention over the source tokens for the selected
// layer and head (or heads fused); its title says why when there is none.
std::unique_ptr<CrossAttentionRenderer> cross_figure(const AnalysisDocument& document, const ViewState& state);

}  // namespace attnscope::ui
