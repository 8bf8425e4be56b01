#pragma once

#include <memory>

#include "core/models/model.h"
#include "ui/render/charts_renderer.h"

namespace attnscope::ui {

class AnalysisDocument;

// The Cost view's figure: what attention costs on the loaded model. The last run's measured time
// per layer, split into its parts; log-log plots of compute (analytic FLOPs: the linear part, the
// n² part and their sum) and of memory against sequence length, with the measured sweep, the
// current input and the length where the n² part overtakes the linear part marked.
std::unique_ptr<ChartsRenderer> cost_figure(const AnalysisDocument& document);

// The longest input the plots run to and the sweep may measure: the model's positions, or 1024.
int cost_length_limit(const attnscope::ModelInfo& model);

// The charts of a Cost figure: row kCostLayers holds the per-layer bars, row kCostCurves the
// compute (column 0) and memory (column 1) plots.
enum CostRow : size_t { kCostLayers, kCostCurves };

}  // namespace attnscope::ui
