// The safetensors reader on arbitrary bytes: the in-memory header parser, then (for headers it
// accepts) the memory-mapped file, every tensor's converting read and the weight store's
// typed, shape-checked access with its NaN/Inf scan.
#include "core/io/safetensors.h"
#include "core/models/checkpoint.h"
#include "tests/fuzz/fuzz_support.h"

using namespace attnscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  SafetensorsHeader header;
  try {
    header = parse_safetensors(data, size, "fuzz.safetensors");
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::Model) fuzz::finding(std::string("parse_safetensors threw ") + to_string(e.kind()));
    return 0;
  }
  for (const TensorInfo& t : header.tensors)
    if (t.offset > size || t.nbytes > size - t.offset) fuzz::finding("accepted tensor '" + t.name + "' lies outside the input");

  const auto path = fuzz::scratch_dir() / "model.safetensors";
  fuzz::write_file(path, std::string_view(reinterpret_cast<const char*>(data), size));
  fuzz::expect_only(ErrorKind::Model, [&] {
    CheckpointFiles files;
    files.dir = fuzz::scratch_dir();
    files.weights = {path};
    WeightStore store(files);
    SafetensorsFile file(path.string());
    for (const TensorInfo& t : file.tensors()) {
      if (is_float(t.dtype)) {
        if (file.read_floats(t).size() * dtype_size(t.dtype) != t.nbytes) fuzz::finding("read_floats size for " + t.name);
        if (!store.get(t.name, t.shape)) fuzz::finding("WeightStore::get returned nothing for " + t.name);
      } else {
        if (file.read_ints(t).size() * dtype_size(t.dtype) != t.nbytes) fuzz::finding("read_ints size for " + t.name);
      }
    }
    (void)store.parameter_count();
  });
  return 0;
}
