#pragma once

#include <vector>

#include "ui/document/display_map.h"

namespace attnscope {
struct Analysis;
}

namespace attnscope::ui {

class AnalysisDocument;

// The DisplayMap of the document's current selection, or of `state` (the Overview draws every
// head with it). Empty, with `unavailable` saying why, when there is nothing to show.
// The segment of every token of a sentence pair: 0 (A) or 1 (B); added special tokens belong to
// the segment before them ([CLS] and the first [SEP] to A, the last [SEP] to B). Empty without a pair.
std::vector<int> token_segments(const attnscope::Analysis& analysis);

DisplayMap build_display_map(const AnalysisDocument& document);
DisplayMap build_display_map(const AnalysisDocument& document, const ViewState& state);
// The same, reusing the storage of a previous map of the same size: at thousands of tokens,
// fresh buffers of tens of megabytes cost more in page faults than filling them.
DisplayMap build_display_map(const AnalysisDocument& document, const ViewState& state, DisplayMap&& recycle);
// For views that draw DisplayMap::pending over the map (Matrix, Lines): while a rollout or flow is
// computing, or after it was cancelled or failed, the raw weights of the same layer and heads with
// `pending` saying so, instead of nothing.
DisplayMap build_display_map_or_raw(const AnalysisDocument& document, const ViewState& state, DisplayMap&& recycle = DisplayMap());
// The same for weights the caller derived (the Overview's rollout after each layer), which `state`
// describes: its hiding, normalisation and, for Method::Raw, the layer's mask.
DisplayMap display_map_of(const AnalysisDocument& document, const ViewState& state, attnscope::RowMatrix weights,
                          attnscope::RowMatrix&& recycle_shade = attnscope::RowMatrix());

// The attention weights a selection stands for, before hiding and normalisation: one head, a
// fusion of heads, the rollout or the flow. Empty if unavailable (flow not computed yet,
// layer not captured).
attnscope::RowMatrix selected_weights(const AnalysisDocument& document, const ViewState& state, QString* why = nullptr);
// The same into `out` (its storage is reused when the size matches); false if unavailable.
bool selected_weights(const AnalysisDocument& document, const ViewState& state, attnscope::RowMatrix& out, QString* why = nullptr);

}  // namespace attnscope::ui
