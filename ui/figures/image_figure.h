#pragma once

#include <memory>

#include "ui/document/view_state.h"
#include "ui/render/image_overlay_renderer.h"

namespace attnscope::ui {

class AnalysisDocument;

// The Image view's figure: the query row over the patches drawn on the photo, with excluded
// patches, the mass contour and the registers as the selection asks.
std::unique_ptr<ImageOverlayRenderer> image_figure(const AnalysisDocument& document, const ViewState& state);

}  // namespace attnscope::ui
