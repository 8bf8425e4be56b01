#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/common/tensor.h"
#include "core/io/safetensors.h"
#include "core/models/attention_maps.h"

namespace attnscope::test {

// max |a - b| over all elements; the shapes must agree (checked with a gtest failure).
double max_abs_diff(const Tensor& got, const Tensor& want, const std::string& what);
double max_abs_diff(const std::vector<float>& got, const Shape& got_shape, const Tensor& want, const std::string& what);
// max |a - b| / max(1, |b|): for activations whose magnitude varies by orders of magnitude.
double max_rel_diff(const Tensor& got, const Tensor& want, const std::string& what);

// Every captured row sums to 1 within `tol`; returns the worst deviation.
double worst_row_sum_error(const AttentionMaps& a);
// Largest entry with key > query (0 for a correct causal model).
float max_upper_triangle(const AttentionMaps& a);

// The model folders and golden files of ../shared.
std::vector<std::filesystem::path> golden_files(const std::string& model);

}  // namespace attnscope::test
