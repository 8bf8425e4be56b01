#pragma once

#include <cstdint>
#include <vector>

namespace attnscope {

// DINO-style attention masks (Caron et al. 2021, "Emerging Properties in Self-Supervised Vision
// Transformers", §4.2 / Fig. 3; facebookresearch/dino visualize_attention.py): keep the smallest
// set of entries (e.g. patches of the CLS row) that together hold at least a fraction τ of the
// map's mass. The entries are taken largest first until their sum reaches τ · total; ties at
// the boundary go to the lower index. (DINO's `cumsum(sorted ascending) > 1 - τ` selects the
// same set up to the boundary entry.)
struct MassThresholdOptions {
  double fraction = 0.6;  // τ in (0, 1]
};

struct MassThreshold {
  std::vector<uint8_t> keep;  // 1 for kept entries, same length as the map
  int kept = 0;               // number of kept entries
  double kept_mass = 0;       // their share of the total, >= τ
  float threshold = 0;        // the smallest kept value
};

// `values` must be non-negative with a positive sum; throws Error(Usage) otherwise.
MassThreshold mass_threshold(const std::vector<float>& values, const MassThresholdOptions& options = {});

}  // namespace attnscope
