#include "core/common/tensor.h"

#include <stdexcept>

namespace attnscope {

std::string shape_to_string(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ",";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

int64_t shape_elements(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

namespace {
void matrix_dims(const Shape& shape, int64_t index, int64_t& rows, int64_t& cols, int64_t& offset) {
  if (shape.size() < 2) throw std::logic_error("Tensor::matrix on a tensor of rank < 2");
  rows = shape[shape.size() - 2];
  cols = shape[shape.size() - 1];
  offset = index * rows * cols;
  if (index < 0 || offset + rows * cols > shape_elements(shape)) throw std::out_of_range("Tensor::matrix index");
}
}  // namespace

MatrixMap Tensor::matrix(int64_t index) {
  int64_t rows, cols, offset;
  matrix_dims(shape, index, rows, cols, offset);
  return MatrixMap(data.data() + offset, rows, cols);
}

ConstMatrixMap Tensor::matrix(int64_t index) const {
  int64_t rows, cols, offset;
  matrix_dims(shape, index, rows, cols, offset);
  return ConstMatrixMap(data.data() + offset, rows, cols);
}

}  // namespace attnscope
