#pragma once

#include <memory>

#include "ui/document/generation_data.h"
#include "ui/document/view_state.h"
#include "ui/render/generation_renderer.h"

namespace attnscope::ui {

// The Generation view's figure: step `step` (1-based; 0 = the prompt) of `data` under the selection
// `state` (layer, head or fusion of heads, colour map). Shared by the view and every export.
std::unique_ptr<GenerationRenderer> generation_figure(const GenerationData& data, int step, const ViewState& state);

}  // namespace attnscope::ui
