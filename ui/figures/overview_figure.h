#pragma once

#include <memory>

#include "ui/document/view_state.h"
#include "ui/render/overview_renderer.h"

namespace attnscope::ui {

class AnalysisDocument;

// The grid follows the Method: every head of every layer (and, when the selection fuses heads, that
// fusion as one more column), or for rollout one map per layer, the rollout as it builds up
// through the stack (vit-explain's per-layer figure; its last map is the one the other views show).
// Flow is one max-flow solve through the whole stack, not a per-layer quantity: its grid shows the
// raw heads and the caption says so. `cell(row, column, weights)` gets each map, row-major.
// The rollout after each layer costs L products of [S, S] matrices on the UI thread: past about
// 2e10 multiply-adds (12 layers at ~900 tokens, under a second here) the grid shows the raw heads.
bool rollout_by_layer(const AnalysisDocument& document, const ViewState& state);
// ALTI contributions (per layer, or aggregated through each layer) are one map per layer too, once
// computed: the grid is their column, a click picks the layer.
bool contributions_by_layer(const AnalysisDocument& document, const ViewState& state);

// The Overview's figure: a thumbnail per layer and head (or per layer of the rollout), over the
// photo for image models; `thumbnail_side` is each thumbnail's size in pixels.
std::unique_ptr<OverviewRenderer> overview_figure(const AnalysisDocument& document, const ViewState& state, int thumbnail_side = 96);

}  // namespace attnscope::ui
