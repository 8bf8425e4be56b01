#pragma once

#include <memory>

#include "ui/document/view_state.h"
#include "ui/render/lens_renderer.h"

namespace attnscope::ui {

class AnalysisDocument;

// The Lens view's figure from the document's logit lens (core Analyzer::logit_lens), or a note
// saying why there is none yet (computing, cancelled, no language-model head).
std::unique_ptr<LensRenderer> lens_figure(const AnalysisDocument& doc, const ViewState& state);

}  // namespace attnscope::ui
