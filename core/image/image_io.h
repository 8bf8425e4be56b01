#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace attnscope {

// An 8-bit RGB image: row-major, 3 bytes (R, G, B) per pixel, no row padding.
struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;

  RgbImage() = default;
  RgbImage(int w, int h) : width(w), height(h), pixels(static_cast<size_t>(w) * static_cast<size_t>(h) * 3, 0) {}
  bool empty() const { return pixels.empty(); }
  uint8_t* pixel(int x, int y) { return pixels.data() + (static_cast<size_t>(y) * static_cast<size_t>(width) + static_cast<size_t>(x)) * 3; }
  const uint8_t* pixel(int x, int y) const {
    return pixels.data() + (static_cast<size_t>(y) * static_cast<size_t>(width) + static_cast<size_t>(x)) * 3;
  }
};

struct ImageReadOptions {
  int64_t max_pixels = 100'000'000;  // larger images are refused, from the header when it can be read
  bool apply_exif_orientation = true;  // as Hugging Face's load_image (PIL.ImageOps.exif_transpose)
};

// Reads PNG, JPEG, BMP, TIFF or WebP (and whatever else OpenCV decodes) into 8-bit RGB the way
// Pillow's Image.open(f).convert("RGB") does, then applies the EXIF orientation:
//   grayscale          -> R = G = B (1-, 2- and 4-bit grey scaled to 0..255 as PNG defines)
//   16-bit grey ("I")  -> clipped to 0..255 (values above 255 become 255, not scaled)
//   16-bit colour      -> the high byte of each channel
//   grey+alpha, RGBA   -> the alpha channel is dropped, not composited over a background
//   paletted           -> the palette colours (palette transparency ignored)
// Known differences from Pillow: CMYK JPEGs use OpenCV's CMYK conversion (within a few levels);
// TIFFs with unassociated alpha come out premultiplied (libtiff's RGBA interface).
// Throws Error(Input) naming the file: missing, empty, not an image, corrupt or truncated, or
// more than `max_pixels` pixels (checked from the header before the pixels are decoded for PNG,
// JPEG, BMP, TIFF and WebP).
RgbImage read_image(const std::filesystem::path& path, const ImageReadOptions& options = {});
// The same for an encoded image in memory; `label` names it in messages.
RgbImage decode_image(const uint8_t* data, size_t size, const std::string& label, const ImageReadOptions& options = {});

}  // namespace attnscope
