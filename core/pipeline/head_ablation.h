#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/common/progress.h"
#include "core/pipeline/analyzer.h"

namespace attnscope {

// Head ablation (Michel, Levy & Neubig, "Are Sixteen Heads Really Better than One?", NeurIPS
// 2019; mean ablation as in Wang et al., "Interpretability in the Wild", 2022): each head of the
// chosen layers is taken out in turn (ForwardOptions::ablate), one forward pass per head, and the
// change of one prediction is measured: the target's logit and probability, ablated minus intact.
struct HeadAblationOptions {
  bool mean = false;              // replace the head's output by its mean over positions, not 0
  std::optional<int64_t> target;  // class or token id followed; default: the intact run's top 1
  int position = -1;              // LMs: causal, the next token after this position; masked, the
                                  //   token at it (e.g. a [MASK]); -1 = the last position
  std::vector<int> layers;        // layers whose heads are ablated; empty = all
};

struct HeadAblationResult {
  bool cancelled = false;
  int64_t target = 0;
  std::string target_label;
  int position = -1;              // LMs: the position read; classifiers: -1
  float logit = 0, probability = 0;  // the intact run's
  std::vector<int> layers;
  int num_heads = 0;
  Tensor logit_change;            // [layers, H] ablated - intact
  Tensor probability_change;      // [layers, H]
};

// L * H + 1 forward passes of `request` on `analyzer`; `progress` is told after each and may
// cancel. Error(Usage) for models without a classifier or LM head (the vision backbones) and for
// a target or position out of range; T5 ablates its encoder's heads and follows the first decoder
// position's prediction.
HeadAblationResult head_ablation(const Analyzer& analyzer, const AnalysisRequest& request, const HeadAblationOptions& options,
                                 const ProgressFn& progress = {});

}  // namespace attnscope
