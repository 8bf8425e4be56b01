#include "tests/support/golden.h"

#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include "tests/support/shared_data.h"

namespace attnscope::test {

double max_abs_diff(const std::vector<float>& got, const Shape& got_shape, const Tensor& want, const std::string& what) {
  EXPECT_EQ(shape_to_string(got_shape), shape_to_string(want.shape)) << what << ": shape";
  if (got.size() != want.data.size()) return INFINITY;
  double worst = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    const double d = std::fabs(static_cast<double>(got[i]) - want.data[i]);
    if (!(d <= worst)) worst = d;  // NaN propagates as the worst
  }
  return worst;
}

double max_abs_diff(const Tensor& got, const Tensor& want, const std::string& what) {
  return max_abs_diff(got.data, got.shape, want, what);
}

double max_rel_diff(const Tensor& got, const Tensor& want, const std::string& what) {
  EXPECT_EQ(shape_to_string(got.shape), shape_to_string(want.shape)) << what << ": shape";
  if (got.data.size() != want.data.size()) return INFINITY;
  double worst = 0;
  for (size_t i = 0; i < got.data.size(); ++i) {
    const double d = std::fabs(static_cast<double>(got.data[i]) - want.data[i]) / std::max(1.0, std::fabs(static_cast<double>(want.data[i])));
    if (!(d <= worst)) worst = d;
  }
  return worst;
}

double worst_row_sum_error(const AttentionMaps& a) {
  double worst = 0;
  const size_t S = static_cast<size_t>(a.seq_len);
  for (size_t r = 0; r < a.data.size() / std::max<size_t>(S, 1); ++r) {
    double s = 0;
    for (size_t j = 0; j < S; ++j) s += a.data[r * S + j];
    worst = std::max(worst, std::fabs(s - 1.0));
  }
  return worst;
}

float max_upper_triangle(const AttentionMaps& a) {
  float worst = 0;
  const int S = a.seq_len;
  for (size_t m = 0; m < a.layers.size() * static_cast<size_t>(a.num_heads); ++m)
    for (int i = 0; i < S; ++i)
      for (int j = i + 1; j < S; ++j) worst = std::max(worst, std::fabs(a.data[m * S * S + static_cast<size_t>(i) * S + j]));
  return worst;
}

std::vector<std::filesystem::path> golden_files(const std::string& model) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(shared("golden/" + model), ec))
    if (e.path().extension() == ".safetensors") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace attnscope::test
