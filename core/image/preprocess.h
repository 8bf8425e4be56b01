#pragma once

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/common/tensor.h"
#include "core/image/geometry.h"
#include "core/image/image_io.h"
#include "core/image/pillow_resize.h"

namespace attnscope {

struct ImageSize {
  int width = 0;
  int height = 0;
};

// "320x240" (width x height) -> {320, 240}; each side in [1, 8192]. Throws Error(Usage) naming `option`.
ImageSize parse_image_size(const std::string& text, const std::string& option);

// A Hugging Face image processor's preprocessor_config.json, as ViTImageProcessor /
// DeiTImageProcessor apply it (keys of older feature extractors accepted too).
struct ImageProcessorConfig {
  bool do_resize = true;
  // Either an exact size (`size` {"height", "width"}, or a bare integer n = n x n, as the ViT and
  // DeiT processors read it) ...
  ImageSize size;
  // ... or {"shortest_edge": s} (optionally "longest_edge"): the short side becomes s and the long
  // side int(s * long / short), truncated, capped by longest_edge as HF's max_size.
  int shortest_edge = 0;
  int longest_edge = 0;
  // ConvNeXt-style "crop_pct" with shortest_edge s < 384: shortest edge to int(s / crop_pct), then
  // a centre crop of s x s; with s >= 384 a plain s x s resize.
  double crop_pct = 0;
  ResampleFilter resample = ResampleFilter::Bilinear;
  bool do_center_crop = false;
  ImageSize crop_size;
  bool do_rescale = true;
  double rescale_factor = 1.0 / 255.0;
  bool do_normalize = true;
  std::array<float, 3> image_mean{0.5f, 0.5f, 0.5f};
  std::array<float, 3> image_std{0.5f, 0.5f, 0.5f};
};

// Parses preprocessor_config.json content; throws Error(Model) naming `label` and the key.
ImageProcessorConfig parse_image_processor_config(const nlohmann::json& json, const std::string& label);
// Reads dir/preprocessor_config.json. Without one: image_size x image_size bilinear, no crop,
// rescale 1/255, ImageNet mean (0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225), and a
// warning saying so is appended to `warnings`.
ImageProcessorConfig load_image_processor_config(const std::filesystem::path& dir, int image_size,
                                                 std::vector<std::string>& warnings);

struct PreprocessedImage {
  Tensor pixel_values;       // [3, H, W] float32, CHW, normalised
  RgbImage input;            // the 8-bit RGB image after resize and crop that was normalised
  ImageTransform transform;  // original -> input, for mapping patches back
};

// The size the image is resized to before any crop (HF get_resize_output_image_size).
ImageSize resize_target(int width, int height, const ImageProcessorConfig& config);

// The size of the model input preprocess_image() makes from a width x height original: the
// explicit size, else the centre crop, else the resize target. For token counts before a run.
ImageSize model_input_size(int width, int height, const ImageProcessorConfig& config,
                           std::optional<ImageSize> explicit_size = std::nullopt);

// Resize (Pillow, see pillow_resize.h), centre crop with HF's offsets top = (H - h) // 2,
// left = (W - w) // 2 (floor division; zero padding where the image is smaller), rescale and
// normalise. `explicit_size` replaces the configured resize and crop by a plain resize to
// exactly that size (as the reference's --resize WxH). Throws Error(Input) for an empty image.
PreprocessedImage preprocess_image(const RgbImage& image, const ImageProcessorConfig& config,
                                   std::optional<ImageSize> explicit_size = std::nullopt);

// Rescale and normalise in float32 exactly as the goldens: x = u8 * float(rescale_factor),
// pixel = (x - mean[c]) / std[c]; CHW.
Tensor normalize_image(const RgbImage& image, const ImageProcessorConfig& config);

}  // namespace attnscope
