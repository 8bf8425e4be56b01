#pragma once

#include <memory>

#include "ui/document/view_state.h"
#include "ui/render/compare_renderer.h"

namespace attnscope::ui {

class AnalysisDocument;

// The Compare view's figure: the document's reference (A) against its current result (B) with their
// comparison, for the selected layer and head (or the mean of heads). Shared by the view and every
// export; says what is missing when there is nothing to compare yet.
std::unique_ptr<CompareRenderer> compare_figure(const AnalysisDocument& document, const ViewState& state);

}  // namespace attnscope::ui
