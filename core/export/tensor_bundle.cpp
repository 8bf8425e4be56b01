#include "core/export/tensor_bundle.h"

#include <algorithm>
#include <cstring>

#include "core/common/error.h"

namespace attnscope {

void TensorBundle::add_view(const std::string& name, const Tensor& t) { add_view(name, t.data.data(), t.shape); }

void TensorBundle::add_view(const std::string& name, const float* data, Shape shape) {
  BundleArray a;
  a.name = name;
  a.dtype = DType::F32;
  a.nbytes = static_cast<size_t>(shape_elements(shape)) * sizeof(float);
  a.shape = std::move(shape);
  a.view = reinterpret_cast<const uint8_t*>(data);
  arrays.push_back(std::move(a));
}

void TensorBundle::add_ints(const std::string& name, const std::vector<int64_t>& values, Shape shape) {
  BundleArray a;
  a.name = name;
  a.dtype = DType::I64;
  a.shape = shape.empty() ? Shape{static_cast<int64_t>(values.size())} : std::move(shape);
  a.owned.resize(values.size() * sizeof(int64_t));
  if (!values.empty()) std::memcpy(a.owned.data(), values.data(), a.owned.size());
  a.nbytes = a.owned.size();
  arrays.push_back(std::move(a));
}

const BundleArray* TensorBundle::find(const std::string& name) const {
  for (const auto& a : arrays)
    if (a.name == name) return &a;
  return nullptr;
}

BundleFormat bundle_format_for(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == ".safetensors") return BundleFormat::Safetensors;
  if (ext == ".npz") return BundleFormat::Npz;
  if (ext == ".json") return BundleFormat::Json;
  fail(ErrorKind::Usage, path.string() + ": unknown output format '" + ext + "' (use .safetensors, .npz or .json)");
}

void write_bundle(const TensorBundle& bundle, const std::filesystem::path& path, bool overwrite) {
  switch (bundle_format_for(path)) {
    case BundleFormat::Safetensors: write_safetensors(bundle, path, overwrite); break;
    case BundleFormat::Npz: write_npz(bundle, path, overwrite); break;
    case BundleFormat::Json: write_json(bundle, path, overwrite); break;
  }
}

}  // namespace attnscope
