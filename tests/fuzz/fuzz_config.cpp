// Model folder configuration on arbitrary bytes. The input is config.json, optionally followed by
// a NUL byte and preprocessor_config.json. config.json goes through load_model() (folder lookup,
// JSON, model_type dispatch, every architecture's hyper-parameter checks) next to a valid but
// empty model.safetensors, so a config that passes its checks fails at the first missing tensor.
// preprocessor_config.json goes through the image processor's parser, and the configuration it
// accepts preprocesses small images of extreme aspect ratios.
#include "core/image/geometry.h"
#include "core/image/preprocess.h"
#include "core/models/model.h"
#include "tests/fuzz/fuzz_support.h"

using namespace attnscope;

namespace {

// Outputs above this side are skipped: they are legal but slow, and the sizes are checked anyway.
constexpr int kMaxFuzzSide = 256;

void preprocess_samples(const ImageProcessorConfig& config) {
  for (const auto& [w, h] : {std::pair{1, 1}, std::pair{37, 23}, std::pair{2, 300}}) {
    const ImageSize target = resize_target(w, h, config);
    if (target.width > kMaxFuzzSide || target.height > kMaxFuzzSide) continue;
    if (config.do_center_crop && (config.crop_size.width > kMaxFuzzSide || config.crop_size.height > kMaxFuzzSide)) continue;
    RgbImage image(w, h);
    for (size_t i = 0; i < image.pixels.size(); ++i) image.pixels[i] = static_cast<uint8_t>(i * 37);
    fuzz::expect_only(ErrorKind::Input, [&] {
      const PreprocessedImage p = preprocess_image(image, config);
      const auto& t = p.transform;
      if (p.pixel_values.data.size() != size_t(3) * size_t(t.input_width) * size_t(t.input_height))
        fuzz::finding("pixel_values do not match the input size");
      make_image_geometry(t, 16, 1);
    });
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool once = [] {
    // A valid safetensors file without tensors: header length 2, header "{}".
    fuzz::write_file(fuzz::scratch_dir() / "model.safetensors", std::string_view("\x02\0\0\0\0\0\0\0{}", 10));
    return true;
  }();
  (void)once;
  const auto parts = fuzz::split_nul(data, size, 2);
  const auto& dir = fuzz::scratch_dir();
  fuzz::write_file(dir / "config.json", parts[0]);
  fuzz::expect_only(ErrorKind::Model, [&] { load_model(dir); });

  std::error_code ec;
  std::filesystem::remove(dir / "preprocessor_config.json", ec);
  if (parts.size() < 2) return 0;
  fuzz::write_file(dir / "preprocessor_config.json", parts[1]);
  std::vector<std::string> warnings;
  ImageProcessorConfig config;
  try {
    config = load_image_processor_config(dir, 224, warnings);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::Model) fuzz::finding(std::string("preprocessor_config.json gave ") + to_string(e.kind()));
    return 0;
  }
  preprocess_samples(config);
  return 0;
}
