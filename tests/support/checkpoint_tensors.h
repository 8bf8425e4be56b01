#pragma once

// Weights read straight from a checkpoint file by their Hugging Face names, for references written
// in a test independently of the model code.
#include <string>
#include <vector>

#include "core/common/tensor.h"
#include "core/io/safetensors.h"

namespace attnscope::test {

// The tensor whose name ends with "<prefix><layer><suffix>" (at the start of the name or after a
// '.'), e.g. ("layer.", 3, ".attention.output.dense.weight"); a test failure and an empty tensor if none.
Tensor layer_tensor(const SafetensorsFile& file, const std::string& prefix, int layer, const std::string& suffix);

// A linear layer's weight as in x out doubles (w[i][o]): torch Linear stores [out, in], GPT-2's
// Conv1D (`conv1d`) [in, out].
std::vector<std::vector<double>> linear_in_out(const Tensor& weight, bool conv1d);

}  // namespace attnscope::test
