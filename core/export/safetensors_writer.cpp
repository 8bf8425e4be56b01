#include "core/common/error.h"
#include "core/export/tensor_bundle.h"
#include "core/io/atomic_file.h"

namespace attnscope {

void write_safetensors(const TensorBundle& bundle, const std::filesystem::path& path, bool overwrite) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  nlohmann::ordered_json meta = nlohmann::ordered_json::object();
  meta["format"] = "pt";
  for (auto it = bundle.fields.begin(); it != bundle.fields.end(); ++it)
    meta[it.key()] = it.value().is_string() ? it.value().get<std::string>() : it.value().dump();
  header["__metadata__"] = meta;
  uint64_t offset = 0;
  for (const auto& a : bundle.arrays) {
    header[a.name] = {{"dtype", dtype_name(a.dtype)}, {"shape", a.shape}, {"data_offsets", {offset, offset + a.nbytes}}};
    offset += a.nbytes;
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  uint8_t len[8];
  for (int i = 0; i < 8; ++i) len[i] = static_cast<uint8_t>(static_cast<uint64_t>(text.size()) >> (8 * i));
  AtomicFile out(path, overwrite);
  out.write(len, 8);
  out.write(text);
  for (const auto& a : bundle.arrays) out.write(a.data(), a.nbytes);
  out.commit();
}

}  // namespace attnscope
