#pragma once

#include <cstdint>
#include <string>

#include "core/image/image_io.h"

namespace attnscope {

// PIL.Image.Resampling, with Pillow's numeric codes (preprocessor_config.json "resample").
enum class ResampleFilter { Nearest = 0, Lanczos = 1, Bilinear = 2, Bicubic = 3, Box = 4, Hamming = 5 };

// The filter for a Pillow code; throws Error(Model) naming `label` for anything else.
ResampleFilter resample_filter_from_code(int64_t code, const std::string& label);
const char* to_string(ResampleFilter filter);

// PIL Image.resize((width, height), filter) of an RGB image, bit for bit as Pillow 9.4 does it:
// - same size: an unchanged copy;
// - Nearest: source pixel floor((x + 0.5) * in / out) per axis, the position accumulated in
//   double precision as Pillow's affine scaler does;
// - the convolution filters (libImaging/Resample.c): the filter is widened by the scale factor
//   when downscaling (antialiasing), weights computed in double, normalised to sum 1 and
//   converted to 22-bit fixed point; a horizontal pass over the needed rows first, rounded and
//   clipped to 8 bits, then a vertical pass, rounded and clipped again.
RgbImage pillow_resize(const RgbImage& image, int width, int height, ResampleFilter filter);

}  // namespace attnscope
