#include "core/analysis/mass_threshold.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "core/common/error.h"

namespace attnscope {

MassThreshold mass_threshold(const std::vector<float>& values, const MassThresholdOptions& options) {
  if (!(options.fraction > 0 && options.fraction <= 1))
    fail(ErrorKind::Usage, "mass threshold " + std::to_string(options.fraction) + " is outside (0, 1]");
  double total = 0;
  for (float v : values) {
    if (!(v >= 0)) fail(ErrorKind::Usage, "mass threshold: the map has a negative or non-finite value");
    total += v;
  }
  if (!(total > 0) || !std::isfinite(total)) fail(ErrorKind::Usage, "mass threshold: the map has no mass");

  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return values[a] > values[b]; });
  MassThreshold r;
  r.keep.assign(values.size(), 0);
  const double target = options.fraction * total;
  double sum = 0;
  for (size_t idx : order) {
    if (sum >= target || values[idx] == 0) break;  // zeros add no mass (τ = 1 with rounding)
    r.keep[idx] = 1;
    sum += values[idx];
    r.threshold = values[idx];
    ++r.kept;
  }
  r.kept_mass = sum / total;
  return r;
}

}  // namespace attnscope
