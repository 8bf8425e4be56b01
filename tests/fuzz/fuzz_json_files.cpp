// The JSON files of a model folder on arbitrary bytes, with nesting depth amplified: the first
// byte picks the file (config.json, tokenizer.json, tokenizer_config.json,
// special_tokens_map.json, generation_config.json, preprocessor_config.json or
// model.safetensors.index.json) and wraps the rest in up to 300 levels of arrays or objects.
// The result replaces that file in a copy of stories260K (the preprocessor config goes into a
// copy of dino-random), which Analyzer::open must open or refuse with a model error -- never
// crash, whatever the depth (README, Security: at most 128 levels). parse_json_bounded is also
// called on the text alone, and what it accepts is copied and dumped (both recursive).
#include "core/io/json_file.h"
#include "core/pipeline/analyzer.h"
#include "tests/fuzz/fuzz_support.h"

using namespace attnscope;
namespace fs = std::filesystem;

namespace {

const char* const kFiles[] = {"config.json",          "tokenizer.json",          "tokenizer_config.json",
                              "special_tokens_map.json", "generation_config.json", "preprocessor_config.json",
                              "model.safetensors.index.json"};

// A writable copy of a shared model folder in the scratch folder, made once.
fs::path model_copy(const std::string& name) {
  const fs::path dst = fuzz::scratch_dir() / name;
  std::error_code ec;
  if (!fs::exists(dst, ec)) fs::copy(fuzz::shared_model(name), dst, fs::copy_options::recursive);
  return dst;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t selector = data[0];
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  const size_t depth = static_cast<size_t>(selector >> 4) * 20;  // 0 ... 300 levels
  const bool objects = selector & 0x08;
  std::string text;
  for (size_t i = 0; i < depth; ++i) text += objects ? "{\"k\":" : "[";
  text += rest;
  for (size_t i = 0; i < depth; ++i) text += objects ? "}" : "]";

  fuzz::expect_only(ErrorKind::Model, [&] {
    const nlohmann::json j = parse_json_bounded(text, "fuzz.json");
    const nlohmann::json copy = j;
    if (copy.dump().empty()) fuzz::finding("empty dump");
  });

  const std::string file = kFiles[(selector & 0x07) % (sizeof kFiles / sizeof kFiles[0])];
  const bool image = file == "preprocessor_config.json";
  const fs::path m = model_copy(image ? "dino-random" : "stories260K");
  const std::string original = [&] {
    std::ifstream in(m / file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  fuzz::write_file(m / file, text);
  if (file == "model.safetensors.index.json") fs::rename(m / "model.safetensors", m / "weights.safetensors");
  fuzz::expect_only(ErrorKind::Model, [&] { Analyzer::open(m); });
  if (file == "model.safetensors.index.json") {
    fs::remove(m / file);
    fs::rename(m / "weights.safetensors", m / "model.safetensors");
  } else if (original.empty()) {
    fs::remove(m / file);
  } else {
    fuzz::write_file(m / file, original);
  }
  return 0;
}
