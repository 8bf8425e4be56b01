#include "core/analysis/display_norm.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/analysis/fusion.h"
#include "core/common/error.h"

namespace attnscope {

float cumulative_sum_threshold(const float* values, size_t n, double percentile) {
  if (!(percentile >= 0 && percentile <= 100))
    fail(ErrorKind::Usage, "percentile " + std::to_string(percentile) + " is outside [0, 100]");
  if (n == 0) return 0;
  std::vector<float> sorted(n);
  for (size_t i = 0; i < n; ++i) sorted[i] = std::fabs(values[i]);
  std::sort(sorted.begin(), sorted.end());
  double total = 0;
  for (float v : sorted) total += v;
  const double target = total * 0.01 * percentile;
  double cum = 0;
  for (float v : sorted) {
    cum += v;
    if (cum >= target) return v;
  }
  return sorted.back();
}

RowMatrix mask_tokens(const RowMatrix& map, const std::vector<uint8_t>& mask) {
  if (mask.empty()) return map;
  if (static_cast<Eigen::Index>(mask.size()) != map.cols())
    fail(ErrorKind::Usage, "display mask has " + std::to_string(mask.size()) + " entries for " + std::to_string(map.cols()) + " tokens");
  RowMatrix out = map;
  for (Eigen::Index j = 0; j < out.cols(); ++j)
    if (mask[static_cast<size_t>(j)]) out.col(j).setZero();
  normalize_rows(out);
  return out;
}

std::vector<RowMatrix> normalize_for_display(const std::vector<RowMatrix>& maps, const DisplayOptions& options) {
  std::vector<RowMatrix> out;
  for (const auto& m : maps) out.push_back(mask_tokens(m, options.mask));
  auto scale_by = [](RowMatrix& m, float max) {
    if (max > 0) m /= max;
  };
  switch (options.scale) {
    case DisplayScale::Raw: break;
    case DisplayScale::MatrixMax:
      for (auto& m : out) scale_by(m, m.size() ? m.cwiseAbs().maxCoeff() : 0.0f);
      break;
    case DisplayScale::GlobalMax: {
      float max = 0;
      for (const auto& m : out)
        if (m.size()) max = std::max(max, m.cwiseAbs().maxCoeff());
      for (auto& m : out) scale_by(m, max);
      break;
    }
    case DisplayScale::Log: {
      if (!(options.log_decades > 0)) fail(ErrorKind::Usage, "log scale: the number of decades must be positive");
      const double D = options.log_decades;
      for (auto& m : out) {
        const float max = m.size() ? m.cwiseAbs().maxCoeff() : 0.0f;
        if (!(max > 0)) continue;
        const double top = std::log10(static_cast<double>(max));
        m = m.unaryExpr([&](float v) {
          if (!(std::fabs(v) > 0)) return 0.0f;
          return static_cast<float>(std::clamp((std::log10(std::fabs(static_cast<double>(v))) - top + D) / D, 0.0, 1.0));
        });
      }
      break;
    }
    case DisplayScale::Percentile:
      for (auto& m : out) {
        const float t = cumulative_sum_threshold(m.data(), static_cast<size_t>(m.size()), 100.0 - options.clip_percent);
        if (!(t > 0)) continue;
        m = m.unaryExpr([t](float v) { return std::min(std::fabs(v) / t, 1.0f); });
      }
      break;
  }
  return out;
}

RowMatrix normalize_for_display(const RowMatrix& map, const DisplayOptions& options) {
  return normalize_for_display(std::vector<RowMatrix>{map}, options).front();
}

}  // namespace attnscope
