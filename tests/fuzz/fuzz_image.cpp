// Image decoding and preprocessing on arbitrary bytes: the header reader (format, size, EXIF
// orientation), OpenCV's decoders behind decode_image(), Pillow's RGB conversion, then the
// ViT (224 x 224 bilinear) and DeiT (shortest edge 256 bicubic, centre crop 224) preprocessing
// and the patch geometry. Images above 65536 pixels are refused from their header here (the
// app's limit is 100 megapixels; the code path is the same, only slower).
#include "core/image/geometry.h"
#include "core/image/image_header.h"
#include "core/image/image_io.h"
#include "core/image/preprocess.h"
#include "tests/fuzz/fuzz_support.h"

using namespace attnscope;

namespace {

ImageProcessorConfig vit() {
  ImageProcessorConfig c;
  c.size = {224, 224};
  return c;
}

ImageProcessorConfig deit() {
  ImageProcessorConfig c;
  c.shortest_edge = 256;
  c.resample = ResampleFilter::Bicubic;
  c.do_center_crop = true;
  c.crop_size = {224, 224};
  c.image_mean = {0.485f, 0.456f, 0.406f};
  c.image_std = {0.229f, 0.224f, 0.225f};
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)read_image_header(data, size);
  (void)exif_orientation(data, size);
  ImageReadOptions options;
  options.max_pixels = 1 << 16;
  RgbImage image;
  try {
    image = decode_image(data, size, "fuzz image", options);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::Input) fuzz::finding(std::string("decode_image threw ") + to_string(e.kind()) + ": " + e.what());
    return 0;
  }
  if (image.width <= 0 || image.height <= 0 || image.pixels.size() != size_t(image.width) * size_t(image.height) * 3)
    fuzz::finding("decoded image of inconsistent size");
  static const ImageProcessorConfig configs[] = {vit(), deit()};
  for (const auto& config : configs) {
    // Extreme aspect ratios resize to up to 100 megapixels before the crop (as Hugging Face
    // does); legal, checked by preprocess_image, but seconds per input under the sanitizers.
    const ImageSize target = resize_target(image.width, image.height, config);
    if (int64_t(target.width) * target.height > (1 << 20)) continue;
    fuzz::expect_only(ErrorKind::Input, [&] {
      const PreprocessedImage p = preprocess_image(image, config);
      if (p.pixel_values.data.size() != size_t(3) * 224 * 224) fuzz::finding("pixel_values are not 3 x 224 x 224");
      const ImageGeometry g = make_image_geometry(p.transform, 16, 1);
      if (g.rows != 14 || g.cols != 14) fuzz::finding("patch grid is not 14 x 14");
    });
  }
  return 0;
}
