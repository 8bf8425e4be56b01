#include "core/io/safetensors.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <limits>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/io/json_file.h"

namespace attnscope {

namespace {

[[noreturn]] void bad(const std::string& label, const std::string& what) { fail(ErrorKind::Model, label + ": " + what); }

uint64_t read_u64_le(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

SafetensorsHeader parse_safetensors(const uint8_t* data, size_t size, const std::string& label) {
  if (size < 8)
    bad(label, "truncated: " + std::to_string(size) + " bytes, but a safetensors file starts with an 8-byte header length");
  const uint64_t header_len = read_u64_le(data);
  if (header_len > kMaxSafetensorsHeader)
    bad(label, "header length " + std::to_string(header_len) + " bytes exceeds the limit of " +
                   std::to_string(kMaxSafetensorsHeader) + " bytes (corrupt or not a safetensors file)");
  if (header_len > size - 8)
    bad(label, "header length " + std::to_string(header_len) + " runs past the end of the file (" +
                   std::to_string(size) + " bytes; truncated download?)");
  const size_t data_start = 8 + static_cast<size_t>(header_len);
  const size_t data_size = size - data_start;

  const nlohmann::json header =
      parse_json_bounded(std::string_view(reinterpret_cast<const char*>(data) + 8, static_cast<size_t>(header_len)), label + ": header");
  if (!header.is_object()) bad(label, "header is not a JSON object");

  SafetensorsHeader out;
  for (auto it = header.begin(); it != header.end(); ++it) {
    const std::string& name = it.key();
    const nlohmann::json& v = it.value();
    if (name == "__metadata__") {
      if (!v.is_object()) bad(label, "__metadata__ is not a JSON object");
      for (auto m = v.begin(); m != v.end(); ++m)
        if (m.value().is_string()) out.metadata[m.key()] = m.value().get<std::string>();
      continue;
    }
    const std::string what = "tensor '" + name + "'";
    if (!v.is_object()) bad(label, what + ": entry is not a JSON object");
    auto dt = v.find("dtype");
    auto sh = v.find("shape");
    auto off = v.find("data_offsets");
    if (dt == v.end() || !dt->is_string()) bad(label, what + ": missing or non-string 'dtype'");
    if (sh == v.end() || !sh->is_array()) bad(label, what + ": missing or non-array 'shape'");
    if (off == v.end() || !off->is_array() || off->size() != 2)
      bad(label, what + ": 'data_offsets' must be an array [begin, end]");

    TensorInfo t;
    t.name = name;
    auto dtype = dtype_from_name(dt->get<std::string>());
    if (!dtype)
      bad(label, what + ": unsupported dtype '" + dt->get<std::string>() +
                     "' (supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)");
    t.dtype = *dtype;
    if (sh->size() > 16) bad(label, what + ": shape has " + std::to_string(sh->size()) + " dimensions");
    uint64_t elements = 1;
    bool overflow = false;
    for (const auto& d : *sh) {
      if (!d.is_number_unsigned()) bad(label, what + ": shape entries must be non-negative integers");
      uint64_t n = d.get<uint64_t>();
      if (n > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) overflow = true;
      else if (n != 0 && elements > std::numeric_limits<uint64_t>::max() / n) overflow = true;
      else elements *= n;
      t.shape.push_back(static_cast<int64_t>(std::min<uint64_t>(n, std::numeric_limits<int64_t>::max())));
    }
    for (const auto& o : *off)
      if (!o.is_number_unsigned()) bad(label, what + ": data_offsets must be non-negative integers");
    const uint64_t begin = (*off)[0].get<uint64_t>(), end = (*off)[1].get<uint64_t>();
    if (begin > end) bad(label, what + ": data_offsets [" + std::to_string(begin) + "," + std::to_string(end) + "] are reversed");
    if (end > data_size)
      bad(label, what + ": data_offsets [" + std::to_string(begin) + "," + std::to_string(end) +
                     "] lie outside the data section (" + std::to_string(data_size) + " bytes; truncated file?)");
    const uint64_t esize = dtype_size(t.dtype);
    if (overflow || elements > std::numeric_limits<uint64_t>::max() / esize || elements * esize != end - begin)
      bad(label, what + ": shape " + shape_to_string(t.shape) + " of " + dtype_name(t.dtype) + " needs " +
                     (overflow ? std::string("more than 2^64") : std::to_string(elements * esize)) +
                     " bytes, but data_offsets give " + std::to_string(end - begin));
    t.offset = data_start + static_cast<size_t>(begin);
    t.nbytes = static_cast<size_t>(end - begin);
    out.tensors.push_back(std::move(t));
  }
  std::sort(out.tensors.begin(), out.tensors.end(), [](const TensorInfo& a, const TensorInfo& b) {
    return a.offset != b.offset ? a.offset < b.offset : a.nbytes < b.nbytes;
  });
  // Against the furthest-reaching tensor so far, not just the previous one: empty tensors (any
  // offset, no bytes) sit between others without separating them.
  const TensorInfo* reach = nullptr;
  for (const TensorInfo& b : out.tensors) {
    if (b.nbytes == 0) continue;
    if (reach && b.offset < reach->offset + reach->nbytes)
      bad(label, "tensors '" + reach->name + "' and '" + b.name + "' overlap in the data section");
    if (!reach || b.offset + b.nbytes > reach->offset + reach->nbytes) reach = &b;
  }
  return out;
}

SafetensorsFile::SafetensorsFile(const std::string& path)
    : file_(path), label_(std::filesystem::path(path).filename().string()) {
  header_ = parse_safetensors(file_.data(), file_.size(), label_);
  for (size_t i = 0; i < header_.tensors.size(); ++i) index_[header_.tensors[i].name] = i;
}

const TensorInfo* SafetensorsFile::find(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &header_.tensors[it->second];
}

std::vector<float> SafetensorsFile::read_floats(const TensorInfo& t) const {
  const uint8_t* p = bytes(t);
  const size_t n = t.nbytes / dtype_size(t.dtype);
  std::vector<float> out(n);
  switch (t.dtype) {
    case DType::F32:
      if (n > 0) std::memcpy(out.data(), p, t.nbytes);  // an empty vector's data() may be null
      break;
    case DType::F64:
      for (size_t i = 0; i < n; ++i) { double d; std::memcpy(&d, p + 8 * i, 8); out[i] = static_cast<float>(d); }
      break;
    case DType::F16:
      for (size_t i = 0; i < n; ++i) { uint16_t h; std::memcpy(&h, p + 2 * i, 2); out[i] = half_to_float(h); }
      break;
    case DType::BF16:
      for (size_t i = 0; i < n; ++i) { uint16_t h; std::memcpy(&h, p + 2 * i, 2); out[i] = bfloat16_to_float(h); }
      break;
    default:
      bad(label_, "tensor '" + t.name + "' has dtype " + dtype_name(t.dtype) + ", expected a floating-point type");
  }
  return out;
}

std::vector<int64_t> SafetensorsFile::read_ints(const TensorInfo& t) const {
  const uint8_t* p = bytes(t);
  const size_t es = dtype_size(t.dtype);
  const size_t n = t.nbytes / es;
  std::vector<int64_t> out(n);
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* q = p + es * i;
    switch (t.dtype) {
      case DType::I64: { int64_t v; std::memcpy(&v, q, 8); out[i] = v; break; }
      case DType::I32: { int32_t v; std::memcpy(&v, q, 4); out[i] = v; break; }
      case DType::I16: { int16_t v; std::memcpy(&v, q, 2); out[i] = v; break; }
      case DType::I8: out[i] = static_cast<int8_t>(*q); break;
      case DType::U8: case DType::Bool: out[i] = *q; break;
      default: bad(label_, "tensor '" + t.name + "' has dtype " + dtype_name(t.dtype) + ", expected an integer type");
    }
  }
  return out;
}

Tensor SafetensorsFile::tensor(const std::string& name) const {
  const TensorInfo* t = find(name);
  if (!t) bad(label_, "no tensor '" + name + "'");
  Tensor out;
  out.shape = t->shape;
  out.data = read_floats(*t);
  return out;
}

std::vector<int64_t> SafetensorsFile::ints(const std::string& name) const {
  const TensorInfo* t = find(name);
  if (!t) bad(label_, "no tensor '" + name + "'");
  return read_ints(*t);
}

}  // namespace attnscope
