#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/common/tensor.h"
#include "core/io/dtype.h"
#include "core/io/mapped_file.h"

namespace attnscope {

struct TensorInfo {
  std::string name;
  DType dtype = DType::F32;
  Shape shape;
  size_t offset = 0;  // from the start of the file
  size_t nbytes = 0;
};

struct SafetensorsHeader {
  std::vector<TensorInfo> tensors;  // sorted by offset
  std::map<std::string, std::string> metadata;
};

// Largest header the reader accepts; real checkpoints have headers of a few hundred kilobytes.
inline constexpr uint64_t kMaxSafetensorsHeader = 100ull << 20;

// Parses and fully validates a safetensors file image: header length inside the file and under
// kMaxSafetensorsHeader, header a JSON object, every entry with a known dtype, a shape of
// non-negative dimensions, offsets inside the data section, byte count = elements x dtype size,
// and no two tensors overlapping. `label` names the file in error messages. Throws Error(Model).
SafetensorsHeader parse_safetensors(const uint8_t* data, size_t size, const std::string& label);

// A memory-mapped safetensors file.
class SafetensorsFile {
 public:
  explicit SafetensorsFile(const std::string& path);

  const std::string& path() const { return file_.path(); }
  const std::string& label() const { return label_; }  // the file name, for messages
  const std::vector<TensorInfo>& tensors() const { return header_.tensors; }
  const std::map<std::string, std::string>& metadata() const { return header_.metadata; }
  size_t file_size() const { return file_.size(); }

  const TensorInfo* find(const std::string& name) const;
  const uint8_t* bytes(const TensorInfo& t) const { return file_.data() + t.offset; }

  // Converting reads (F64/F32/F16/BF16 to float; integer types to int64).
  std::vector<float> read_floats(const TensorInfo& t) const;
  std::vector<int64_t> read_ints(const TensorInfo& t) const;
  // Convenience for tests and tools: the named tensor as float / int64; throws if missing.
  Tensor tensor(const std::string& name) const;
  std::vector<int64_t> ints(const std::string& name) const;

 private:
  MappedFile file_;
  std::string label_;
  SafetensorsHeader header_;
  std::map<std::string, size_t> index_;
};

}  // namespace attnscope
