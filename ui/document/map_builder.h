#pragma once

#include "ui/document/display_map.h"

namespace attnscope::ui {

class AnalysisDocument;

// The DisplayMap of the document's current selection, or of `state` (the Overview draws every
// head with it). Empty, with `unavailable` saying why, when there is nothing to show.
DisplayMap build_display_map(const AnalysisDocument& document);
DisplayMap build_display_map(const AnalysisDocument& document, const ViewState& state);

// The attention weights a selection stands for, before hiding and normalisation: one head, a
// fusion of heads, the rollout or the flow. Empty if unavailable (flow not computed yet,
// layer not captured).
attnscope::RowMatrix selected_weights(const AnalysisDocument& document, const ViewState& state, QString* why = nullptr);

}  // namespace attnscope::ui
