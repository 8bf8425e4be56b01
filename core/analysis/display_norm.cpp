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


namespace {

// In place, so a map the caller hands over (by value) is never copied: at thousands of tokens
// each copy is tens of megabytes on every head switch.
void mask_in_place(RowMatrix& m, const std::vector<uint8_t>& mask) {
  if (mask.empty()) return;
  if (static_cast<Eigen::Index>(mask.size()) != m.cols())
    fail(ErrorKind::Usage, "display mask has " + std::to_string(mask.size()) + " entries for " + std::to_string(m.cols()) + " tokens");
  for (Eigen::Index j = 0; j < m.cols(); ++j)
    if (mask[static_cast<size_t>(j)]) m.col(j).setZero();
  normalize_rows(m);
}

void scale_in_place(RowMatrix& m, const DisplayOptions& options, float global_max) {
  auto scale_by = [&](float max) {
    if (max > 0) m /= max;
  };
  switch (options.scale) {
    case DisplayScale::Raw: break;
    case DisplayScale::MatrixMax: scale_by(m.size() ? m.cwiseAbs().maxCoeff() : 0.0f); break;
    case DisplayScale::GlobalMax: scale_by(global_max); break;
    case DisplayScale::Log: {
      if (!(options.log_decades > 0)) fail(ErrorKind::Usage, "log scale: the number of decades must be positive");
      const double D = options.log_decades;
      const float max = m.size() ? m.cwiseAbs().maxCoeff() : 0.0f;
      if (!(max > 0)) break;
      const double top = std::log10(static_cast<double>(max));
      m = m.unaryExpr([&](float v) {
        if (!(std::fabs(v) > 0)) return 0.0f;
        return static_cast<float>(std::clamp((std::log10(std::fabs(static_cast<double>(v))) - top + D) / D, 0.0, 1.0));
      });
      break;
    }
    case DisplayScale::Percentile: {
      const float t = cumulative_sum_threshold(m.data(), static_cast<size_t>(m.size()), 100.0 - options.clip_percent);
      if (!(t > 0)) break;
      m = m.unaryExpr([t](float v) { return std::min(std::fabs(v) / t, 1.0f); });
      break;
    }
    case DisplayScale::ValuePercentile: {
      const float t = value_percentile(m.data(), static_cast<size_t>(m.size()), 100.0 - options.clip_percent);
      if (!(t > 0)) break;
      m = m.unaryExpr([t](float v) { return std::min(std::fabs(v) / t, 1.0f); });
      break;
    }
  }
}

}  // namespace

float value_percentile(const float* values, size_t n, double percentile) {
  std::vector<float> v;
  v.reserve(n);
  for (size_t i = 0; i < n; ++i)
    if (!std::isnan(values[i])) v.push_back(std::fabs(values[i]));
  if (v.empty()) return 0;
  const double rank = std::clamp(percentile, 0.0, 100.0) / 100.0 * static_cast<double>(v.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(rank));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(lo), v.end());
  const float a = v[lo];
  if (lo + 1 >= v.size()) return a;
  const float b = *std::min_element(v.begin() + static_cast<std::ptrdiff_t>(lo) + 1, v.end());  // the next value up
  return static_cast<float>(a + (rank - static_cast<double>(lo)) * (b - a));
}

RowMatrix mask_tokens(const RowMatrix& map, const std::vector<uint8_t>& mask) {
  RowMatrix out = map;
  mask_in_place(out, mask);
  return out;
}

std::vector<RowMatrix> normalize_for_display(std::vector<RowMatrix> maps, const DisplayOptions& options) {
  for (auto& m : maps) mask_in_place(m, options.mask);
  float global_max = 0;
  if (options.scale == DisplayScale::GlobalMax)
    for (const auto& m : maps)
      if (m.size()) global_max = std::max(global_max, m.cwiseAbs().maxCoeff());
  for (auto& m : maps) scale_in_place(m, options, global_max);
  return maps;
}

void normalize_for_display_in_place(RowMatrix& map, const DisplayOptions& options) {
  mask_in_place(map, options.mask);
  scale_in_place(map, options, map.size() ? map.cwiseAbs().maxCoeff() : 0.0f);
}

RowMatrix normalize_for_display(RowMatrix map, const DisplayOptions& options) {
  normalize_for_display_in_place(map, options);
  return map;
}

}  // namespace attnscope
