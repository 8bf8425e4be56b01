#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/common/tensor.h"
#include "core/io/dtype.h"

namespace attnscope {

// Named arrays plus descriptive fields, written as .safetensors, .npz or .json.
//   safetensors: arrays as tensors; fields in __metadata__ (strings as is, the rest as JSON text)
//   npz:         arrays as .npy entries; string fields as numpy unicode arrays ('<U'), lists of
//                strings as 1-D unicode arrays, integer matrices as int64 arrays, anything else
//                as a 0-d unicode array holding JSON text -- all loadable without pickle
//   json:        one object: fields as they are, arrays as nested lists
struct BundleArray {
  std::string name;
  DType dtype = DType::F32;
  Shape shape;
  std::vector<uint8_t> owned;      // the bytes, if the bundle owns them
  const uint8_t* view = nullptr;   // else borrowed bytes (must outlive the bundle)
  size_t nbytes = 0;

  const uint8_t* data() const { return view ? view : owned.data(); }
};

struct TensorBundle {
  std::vector<BundleArray> arrays;
  nlohmann::ordered_json fields = nlohmann::ordered_json::object();

  // Borrows `t`'s data; `t` must outlive the bundle.
  void add_view(const std::string& name, const Tensor& t);
  void add_view(const std::string& name, const float* data, Shape shape);
  void add_ints(const std::string& name, const std::vector<int64_t>& values, Shape shape = {});
  const BundleArray* find(const std::string& name) const;
};

enum class BundleFormat { Safetensors, Npz, Json };

// From the file extension; throws Error(Usage) for anything else.
BundleFormat bundle_format_for(const std::filesystem::path& path);

void write_safetensors(const TensorBundle& bundle, const std::filesystem::path& path, bool overwrite);
void write_npz(const TensorBundle& bundle, const std::filesystem::path& path, bool overwrite);
// One array as a bare .npy file (numpy.load gives the array), e.g. an image map for other figures.
void write_npy(const BundleArray& array, const std::filesystem::path& path, bool overwrite);
void write_json(const TensorBundle& bundle, const std::filesystem::path& path, bool overwrite);
void write_bundle(const TensorBundle& bundle, const std::filesystem::path& path, bool overwrite);

}  // namespace attnscope
