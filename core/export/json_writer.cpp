#include <charconv>
#include <cmath>
#include <cstring>

#include "core/common/error.h"
#include "core/export/tensor_bundle.h"
#include "core/io/atomic_file.h"

namespace attnscope {

namespace {

// Streams one array as nested lists; floats in their shortest round-trip form, NaN/Inf as null.
void write_array(AtomicFile& out, const BundleArray& a) {
  std::string buf;
  buf.reserve(1 << 16);
  const size_t es = dtype_size(a.dtype);
  size_t index = 0;
  auto element = [&]() {
    const uint8_t* p = a.data() + index * es;
    ++index;
    char tmp[32];
    char* end = tmp;
    switch (a.dtype) {
      case DType::F32: {
        float v;
        std::memcpy(&v, p, 4);
        if (!std::isfinite(v)) { buf += "null"; return; }
        end = std::to_chars(tmp, tmp + sizeof tmp, v).ptr;
        break;
      }
      case DType::F16: {  // written as the float it stands for
        uint16_t bits;
        std::memcpy(&bits, p, 2);
        const float v = half_to_float(bits);
        if (!std::isfinite(v)) { buf += "null"; return; }
        end = std::to_chars(tmp, tmp + sizeof tmp, v).ptr;
        break;
      }
      case DType::I64: {
        int64_t v;
        std::memcpy(&v, p, 8);
        end = std::to_chars(tmp, tmp + sizeof tmp, v).ptr;
        break;
      }
      default: fail(ErrorKind::Output, "json export supports F32, F16 and I64 arrays only ('" + a.name + "')");
    }
    buf.append(tmp, end);
  };
  auto rec = [&](auto&& self, size_t dim) -> void {
    if (dim == a.shape.size()) { element(); return; }
    buf += '[';
    for (int64_t i = 0; i < a.shape[dim]; ++i) {
      if (i) buf += ',';
      self(self, dim + 1);
      if (buf.size() > (1 << 16) - 64) { out.write(buf); buf.clear(); }
    }
    buf += ']';
  };
  rec(rec, 0);
  out.write(buf);
}

}  // namespace

void write_json(const TensorBundle& bundle, const std::filesystem::path& path, bool overwrite) {
  AtomicFile out(path, overwrite);
  out.write("{");
  bool first = true;
  for (auto it = bundle.fields.begin(); it != bundle.fields.end(); ++it) {
    out.write(std::string(first ? "\n" : ",\n") + nlohmann::json(it.key()).dump() + ": " + it.value().dump());
    first = false;
  }
  for (const auto& a : bundle.arrays) {
    out.write(std::string(first ? "\n" : ",\n") + nlohmann::json(a.name).dump() + ": ");
    write_array(out, a);
    first = false;
  }
  out.write("\n}\n");
  out.commit();
}

}  // namespace attnscope
