// Hugging Face image-processor semantics (transformers image_processing_vit.py / _deit.py /
// _convnext.py and image_transforms.py: get_size_dict, get_resize_output_image_size,
// center_crop, rescale, normalize) over Pillow-exact resizing.
#include "core/image/preprocess.h"

#include <algorithm>
#include <charconv>

#include "core/common/error.h"
#include "core/io/json_file.h"

namespace attnscope {

namespace {

constexpr int kMaxSide = 8192;
constexpr int64_t kMaxResizedPixels = 100'000'000;

int floor_div(int a, int b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// `size` / `crop_size`: {"height": h, "width": w} or a bare integer n (= n x n). Returns false
// for a dictionary of another kind (shortest_edge, ...).
bool exact_size(const JsonObject& c, const std::string& key, ImageSize& out) {
  const auto& v = c.json().at(key);
  if (v.is_number()) {
    const int n = static_cast<int>(c.integer(key, 1, kMaxSide));
    out = {n, n};
    return true;
  }
  if (!v.is_object()) c.fail_key(key, "must be an integer or an object");
  const auto o = *c.object(key);
  if (!o.has("height") && !o.has("width")) return false;
  out.height = static_cast<int>(o.integer("height", 1, kMaxSide));
  out.width = static_cast<int>(o.integer("width", 1, kMaxSide));
  return true;
}

std::array<float, 3> per_channel(const JsonObject& c, const std::string& key, std::array<float, 3> fallback) {
  if (!c.has(key)) return fallback;
  if (c.json().at(key).is_number()) {
    const float v = static_cast<float>(c.number(key, -1e6, 1e6));
    return {v, v, v};
  }
  const auto v = c.numbers(key, 3);
  return {static_cast<float>(v[0]), static_cast<float>(v[1]), static_cast<float>(v[2])};
}

// Resizing helpers report the image that would result, for sanity checks.
void check_resized(ImageSize s, const std::string& what) {
  if (s.width <= 0 || s.height <= 0 || int64_t(s.width) * s.height > kMaxResizedPixels)
    fail(ErrorKind::Input, what + " would be " + std::to_string(s.width) + "x" + std::to_string(s.height) +
                               " pixels (the image's aspect ratio is too extreme for this preprocessing)");
}

// HF get_resize_output_image_size(default_to_square=False, max_size): (width, height).
ImageSize shortest_edge_size(int width, int height, int shortest, int longest) {
  const bool portrait = width <= height;
  const int short_side = portrait ? width : height, long_side = portrait ? height : width;
  const double new_long_d = static_cast<double>(int64_t(shortest) * long_side) / short_side;  // Python float division
  if (new_long_d > 1e9) return {0, 0};
  int new_short = shortest, new_long = static_cast<int>(new_long_d);
  if (longest > 0 && new_long > longest) {
    new_short = static_cast<int>(static_cast<double>(int64_t(longest) * new_short) / new_long);
    new_long = longest;
  }
  return portrait ? ImageSize{new_short, new_long} : ImageSize{new_long, new_short};
}

// HF center_crop: floor offsets; zero padding where the crop reaches outside the image.
RgbImage center_crop(const RgbImage& in, ImageSize crop, ImageTransform& t) {
  t.crop_top = floor_div(in.height - crop.height, 2);
  t.crop_left = floor_div(in.width - crop.width, 2);
  RgbImage out(crop.width, crop.height);
  for (int y = 0; y < crop.height; ++y) {
    const int sy = y + t.crop_top;
    if (sy < 0 || sy >= in.height) continue;
    const int x0 = std::max(0, -t.crop_left), x1 = std::min(crop.width, in.width - t.crop_left);
    if (x1 > x0) std::copy_n(in.pixel(x0 + t.crop_left, sy), static_cast<size_t>(x1 - x0) * 3, out.pixel(x0, y));
  }
  return out;
}

}  // namespace

ImageSize parse_image_size(const std::string& text, const std::string& option) {
  const auto x = text.find_first_of("xX");
  auto number = [&](const std::string& s, int& out) {
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size() && out >= 1 && out <= kMaxSide;
  };
  ImageSize s;
  if (x == std::string::npos || !number(text.substr(0, x), s.width) || !number(text.substr(x + 1), s.height))
    fail(ErrorKind::Usage, option + ": expected WIDTHxHEIGHT with each side in [1, " + std::to_string(kMaxSide) +
                               "], e.g. 320x240, got '" + text + "'");
  return s;
}

ImageProcessorConfig parse_image_processor_config(const nlohmann::json& json, const std::string& label) {
  const JsonObject c(json, label);
  ImageProcessorConfig p;
  const std::string type = c.string_or("image_processor_type", c.string_or("feature_extractor_type", ""));
  p.do_resize = c.boolean_or("do_resize", true);
  if (p.do_resize) {
    if (!c.has("size")) c.fail_key("size", "is missing (needed with do_resize)");
    // A bare integer is square for the ViT/DeiT processors (get_size_dict(default_to_square=True))
    // but the shortest edge for CLIP/ConvNeXt-style ones.
    const bool int_is_square = type.empty() || type.find("ViT") != std::string::npos || type.find("DeiT") != std::string::npos;
    if (c.json().at("size").is_number() && !int_is_square) {
      p.shortest_edge = static_cast<int>(c.integer("size", 1, kMaxSide));
    } else if (!exact_size(c, "size", p.size)) {
      const auto s = *c.object("size");
      if (!s.has("shortest_edge")) s.fail_key("shortest_edge", "is missing (supported: height + width, shortest_edge)");
      p.shortest_edge = static_cast<int>(s.integer("shortest_edge", 1, kMaxSide));
      p.longest_edge = static_cast<int>(s.integer_or("longest_edge", 0, 0, 1 << 20));
      if (p.longest_edge && p.longest_edge <= p.shortest_edge) s.fail_key("longest_edge", "must exceed shortest_edge");
    }
    if (c.has("crop_pct") && p.shortest_edge > 0) p.crop_pct = c.number("crop_pct", 1e-3, 1.0);
  }
  p.resample = resample_filter_from_code(c.integer_or("resample", 2, -1, 1000), label + " 'resample'");
  p.do_center_crop = c.boolean_or("do_center_crop", false);
  if (p.do_center_crop) {
    if (!c.has("crop_size")) c.fail_key("crop_size", "is missing (needed with do_center_crop)");
    if (!exact_size(c, "crop_size", p.crop_size)) c.fail_key("crop_size", "must have height and width");
  }
  p.do_rescale = c.boolean_or("do_rescale", true);
  p.rescale_factor = c.number_or("rescale_factor", 1.0 / 255.0, 1e-12, 1e6);
  p.do_normalize = c.boolean_or("do_normalize", true);
  p.image_mean = per_channel(c, "image_mean", p.image_mean);
  p.image_std = per_channel(c, "image_std", p.image_std);
  for (float s : p.image_std)
    if (s == 0.0f) c.fail_key("image_std", "must not contain 0");
  return p;
}

ImageProcessorConfig load_image_processor_config(const std::filesystem::path& dir, int image_size,
                                                 std::vector<std::string>& warnings) {
  const auto path = dir / "preprocessor_config.json";
  if (std::filesystem::exists(path))
    return parse_image_processor_config(read_json_file(path, "preprocessor_config.json"), "preprocessor_config.json");
  ImageProcessorConfig p;
  p.size = {image_size, image_size};
  p.image_mean = {0.485f, 0.456f, 0.406f};
  p.image_std = {0.229f, 0.224f, 0.225f};
  warnings.push_back("no preprocessor_config.json: resizing to " + std::to_string(image_size) + "x" +
                     std::to_string(image_size) + " (bilinear) and normalising with the ImageNet mean/std");
  return p;
}

ImageSize resize_target(int width, int height, const ImageProcessorConfig& p) {
  if (!p.do_resize) return {width, height};
  if (p.shortest_edge == 0) return p.size;
  if (p.crop_pct > 0) {
    if (p.shortest_edge >= 384) return {p.shortest_edge, p.shortest_edge};
    return shortest_edge_size(width, height, static_cast<int>(p.shortest_edge / p.crop_pct), 0);
  }
  return shortest_edge_size(width, height, p.shortest_edge, p.longest_edge);
}

// Compiled with -ffp-contract=off: a fused x * scale - mean would differ from the goldens.
Tensor normalize_image(const RgbImage& image, const ImageProcessorConfig& p) {
  const int64_t H = image.height, W = image.width;
  Tensor out({3, H, W});
  const float scale = static_cast<float>(p.rescale_factor);
  for (int64_t c = 0; c < 3; ++c) {
    float* plane = out.data.data() + c * H * W;
    const float mean = p.image_mean[static_cast<size_t>(c)], std = p.image_std[static_cast<size_t>(c)];
    const uint8_t* src = image.pixels.data() + c;
    for (int64_t i = 0; i < H * W; ++i, src += 3) {
      float x = static_cast<float>(*src);
      if (p.do_rescale) x = x * scale;
      if (p.do_normalize) x = (x - mean) / std;
      plane[i] = x;
    }
  }
  return out;
}

namespace {
// ConvNeXt's crop_pct crop comes with the resize; do_center_crop is a separate step.
std::optional<ImageSize> crop_of(const ImageProcessorConfig& p, std::optional<ImageSize> explicit_size) {
  if (explicit_size) return std::nullopt;
  if (p.do_resize && p.crop_pct > 0 && p.shortest_edge < 384) return ImageSize{p.shortest_edge, p.shortest_edge};
  if (p.do_center_crop) return p.crop_size;
  return std::nullopt;
}
}  // namespace

ImageSize model_input_size(int width, int height, const ImageProcessorConfig& p, std::optional<ImageSize> explicit_size) {
  if (explicit_size) return *explicit_size;
  if (const auto crop = crop_of(p, explicit_size)) return *crop;
  return resize_target(width, height, p);
}

PreprocessedImage preprocess_image(const RgbImage& image, const ImageProcessorConfig& p, std::optional<ImageSize> explicit_size) {
  if (image.empty()) fail(ErrorKind::Input, "the image is empty");
  PreprocessedImage r;
  ImageTransform& t = r.transform;
  t.original_width = image.width;
  t.original_height = image.height;

  const ImageSize target = explicit_size ? *explicit_size : resize_target(image.width, image.height, p);
  check_resized(target, "the resized image");
  RgbImage resized = pillow_resize(image, target.width, target.height, p.resample);
  t.resized_width = resized.width;
  t.resized_height = resized.height;

  const std::optional<ImageSize> crop = crop_of(p, explicit_size);
  r.input = crop ? center_crop(resized, *crop, t) : std::move(resized);
  t.input_width = r.input.width;
  t.input_height = r.input.height;
  r.pixel_values = normalize_image(r.input, p);
  return r;
}

}  // namespace attnscope
