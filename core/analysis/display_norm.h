#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/common/tensor.h"

namespace attnscope {

// How attention values are mapped to colour intensity. Every scale but Raw returns values in
// [0, 1]; zeros stay zero.
//   Raw         the values as they are: per-row probabilities, each row sums to 1
//   MatrixMax   v / max of the matrix
//   GlobalMax   v / max over all matrices shown together (e.g. every head of a layer), so heads
//               can be compared
//   Log         (log10 v - log10 max + D) / D clamped to [0, 1], max of the matrix, D =
//               log_decades: values below max * 10^-D are 0
//   Percentile  Captum's outlier clipping (captum.attr visualization `_normalize_attr` with
//               sign "absolute_value": `_cumulative_sum_threshold(|v|, 100 - p)` then
//               `_normalize_scale`): t = the smallest value such that the values sorted
//               ascending, up to and including t, hold at least (100 - p)% of the total absolute
//               mass; v -> min(|v| / t, 1). The top p% of the MASS (not of the entries) saturates.
//   ValuePercentile  the top p% of the ENTRIES saturates: t = the value at the (100 - p)th
//               percentile of |v| (numpy's default linear interpolation), v -> min(|v| / t, 1).
//               Unlike Percentile it bites when one entry holds more than p% of the mass (a ViT's
//               corner artefact patch); with fewer than 100 / p entries it clips the largest.
// mask (applied first): the key columns of tokens with mask[j] = 1 (special tokens) are set to 0
// and every row is renormalised over the remaining keys; a row with no remaining mass stays 0.
enum class DisplayScale { Raw, MatrixMax, GlobalMax, Log, Percentile, ValuePercentile };

struct DisplayOptions {
  DisplayScale scale = DisplayScale::Raw;
  double clip_percent = 2.0;   // Percentile, ValuePercentile: p
  double log_decades = 4.0;    // Log: D
  std::vector<uint8_t> mask;   // [S] tokens to hide; empty = none
};

// Normalises matrices shown together; GlobalMax uses all of them, the other scales each alone.
// Taken by value and normalised in place: pass with std::move to avoid a copy.
std::vector<RowMatrix> normalize_for_display(std::vector<RowMatrix> maps, const DisplayOptions& options);
RowMatrix normalize_for_display(RowMatrix map, const DisplayOptions& options);
void normalize_for_display_in_place(RowMatrix& map, const DisplayOptions& options);

// The masking step alone.
RowMatrix mask_tokens(const RowMatrix& map, const std::vector<uint8_t>& mask);

// Captum's `_cumulative_sum_threshold` on |values| (see Percentile above), percentile in [0, 100].
float cumulative_sum_threshold(const float* values, size_t n, double percentile);
// numpy.percentile(|values|, percentile) with linear interpolation (ValuePercentile above); NaN skipped.
float value_percentile(const float* values, size_t n, double percentile);

}  // namespace attnscope
