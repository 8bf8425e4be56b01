#pragma once

#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/common/tensor.h"
#include "core/io/safetensors.h"

namespace attnscope {

// In place of weight files (synthetic benchmark models, core/models/synthetic.h): every tensor a
// loader asks for exists with the shape it expects, except the names in `absent`, and holds
// deterministic pseudo-random values from `seed`, uniform with the scale of Hugging Face's
// initialiser: rank-1 "*.weight" (norm scales) 1 +- 0.02, rank-1 "*.bias" +- 0.02 (std 0.0115),
// everything else standard deviation 0.02.
struct SyntheticWeights {
  uint64_t seed = 0;
  std::set<std::string> absent;  // e.g. "lm_head.weight": tied to the embeddings, as in the real model
  bool bf16 = false;  // get_matrix() matrices generated as bfloat16 (rounded), as a BF16 checkpoint stores them
};

// The files of a Hugging Face model folder that the tool reads. Nothing in the folder is ever
// executed: no pickle, no Python, no custom code.
struct CheckpointFiles {
  std::filesystem::path dir;
  std::filesystem::path config;                // config.json
  std::vector<std::filesystem::path> weights;  // model.safetensors, or the shards of the index
  std::optional<SyntheticWeights> synthetic;   // set: no files at all, weights generated in memory
};

// PyTorch pickle weights (pytorch_model*.bin, *.pt, *.pth, *.ckpt, *.pkl): recognised only to
// refuse them with instructions.
bool is_pickle_weights(const std::filesystem::path& file);

// Finds config.json and the safetensors weights (single file or sharded index). Refuses
// pickle-only folders with instructions to convert. Throws Error(Model).
CheckpointFiles locate_checkpoint(const std::filesystem::path& dir);

// A weight as float32, either in place in the mapped file or converted once at load time; or,
// for the large matrices of a 16-bit checkpoint (WeightStore::get_matrix), kept in its file's
// 16-bit form (`half`, with `data` null) and converted panel by panel where it is used
// (layers::linear, layers::embed), so a BF16 model is not inflated to an F32 copy.
struct Weight {
  const float* data = nullptr;
  const uint16_t* half = nullptr;  // compact weights: BF16 or F16 values
  bool half_is_bf16 = true;
  Shape shape;

  explicit operator bool() const { return data != nullptr || half != nullptr; }
  bool compact() const { return data == nullptr && half != nullptr; }
  // Rows [r0, r1) as float32 into out (row-major [r1 - r0, cols]); any weight.
  void rows_f32(int64_t r0, int64_t r1, float* out) const;
  int64_t rows() const { return shape.size() == 2 ? shape[0] : 1; }
  int64_t cols() const { return shape.empty() ? 1 : shape.back(); }
  int64_t size() const { return shape_elements(shape); }
  // Rank-2 weights as [rows, cols]; rank-1 weights as a single row.
  ConstMatrixMap matrix() const { return ConstMatrixMap(data, rows(), cols()); }
  // Any weight flattened to a column vector.
  ConstVectorMap vector() const { return ConstVectorMap(data, size()); }
  Eigen::Map<const Eigen::RowVectorXf> row() const { return Eigen::Map<const Eigen::RowVectorXf>(data, size()); }
  // A copy as float32 [rows, cols], any weight (compact ones converted).
  RowMatrix to_f32() const;
};

// All tensors of a checkpoint, looked up by their Hugging Face names with a shape check.
class WeightStore {
 public:
  explicit WeightStore(const CheckpointFiles& files);

  bool has(const std::string& name) const;
  // The tensor `name`, which must have exactly `expected` shape; otherwise throws
  // "model.safetensors: tensor 'x' has shape [a,b], expected [c,d]" or "... is missing".
  Weight get(const std::string& name, const Shape& expected);
  // As get(), but returns an empty Weight when the tensor is absent.
  Weight get_optional(const std::string& name, const Shape& expected);
  // As get() for a rank-2 matrix that is only read through layers::linear / layers::embed: BF16
  // and F16 tensors stay compact (Weight::half) instead of being converted to float32.
  Weight get_matrix(const std::string& name, const Shape& expected);

  // The first of `prefixes` under which `probe` exists ("" included if listed), e.g. to accept
  // both "bert.encoder..." (task models) and "encoder..." (base models).
  std::optional<std::string> find_prefix(const std::vector<std::string>& prefixes, const std::string& probe) const;

  int64_t parameter_count() const;
  uint64_t file_bytes() const;  // synthetic weights: the bytes generated
  std::string label() const;  // file name(s) for messages
  // Names of the tensors fetched so far that hold NaN or Inf, in the order fetched. Every value
  // is checked: the tensors fetched since the previous call are scanned here, in one parallel
  // pass (a model's loader calls this once, after fetching its weights).
  const std::vector<std::string>& nonfinite() const;

 private:
  struct Entry {
    const SafetensorsFile* file;
    const TensorInfo* info;
  };
  const Entry* lookup(const std::string& name) const;
  Weight generate(const std::string& name, const Shape& shape);

  std::vector<std::unique_ptr<SafetensorsFile>> files_;
  std::optional<SyntheticWeights> synthetic_;
  std::map<std::string, Weight> generated_;  // synthetic weights, by name
  std::deque<std::unique_ptr<float[]>> generated_data_;
  std::deque<std::unique_ptr<uint16_t[]>> generated_half_;
  Weight fetch(const std::string& name, const Shape& expected, bool compact);
  std::map<std::string, Entry> entries_;
  std::deque<std::vector<float>> converted_;  // stable storage for converted tensors
  mutable std::vector<std::pair<std::string, Weight>> unscanned_;  // fetched, not yet checked
  mutable std::vector<std::string> nonfinite_;
};

}  // namespace attnscope
