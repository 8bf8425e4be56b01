#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Core>

namespace attnscope {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixMap = Eigen::Map<RowMatrix>;
using ConstMatrixMap = Eigen::Map<const RowMatrix>;
using Vector = Eigen::VectorXf;
using ConstVectorMap = Eigen::Map<const Vector>;

using Shape = std::vector<int64_t>;

std::string shape_to_string(const Shape& shape);  // "[128,64]"
int64_t shape_elements(const Shape& shape);        // product; 1 for a scalar

// A dense row-major float32 tensor that owns its data. Used for results and exported arrays;
// the hot paths work on Eigen maps over `data`.
struct Tensor {
  Shape shape;
  std::vector<float> data;

  Tensor() = default;
  explicit Tensor(Shape s) : shape(std::move(s)), data(static_cast<size_t>(shape_elements(shape)), 0.0f) {}

  bool empty() const { return data.empty(); }
  int64_t dim(size_t i) const { return shape.at(i); }
  // The last two dimensions as a matrix; `index` selects among the leading ones (flattened).
  MatrixMap matrix(int64_t index = 0);
  ConstMatrixMap matrix(int64_t index = 0) const;
};

}  // namespace attnscope
