#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace attnscope {

enum class ImageFormat { Unknown, Png, Jpeg, Bmp, Tiff, WebP };

// What an encoded image's header says, read without decoding any pixel.
struct ImageHeader {
  ImageFormat format = ImageFormat::Unknown;
  int64_t width = 0;   // as stored, before any EXIF orientation
  int64_t height = 0;
  int orientation = 1;  // EXIF Orientation tag (1-8; 1 = as stored)
  bool truncated = false;  // JPEG without an end-of-image marker after its scan
  bool animated = false;   // WebP with the VP8X animation flag or an ANIM chunk
};

const char* to_string(ImageFormat format);

// Recognises the format by its signature and reads the dimensions (PNG IHDR, JPEG SOFn, BMP info
// header, TIFF IFD0, WebP VP8/VP8L/VP8X) and the EXIF orientation (JPEG APP1, PNG eXIf, WebP
// EXIF chunk, TIFF IFD0). Unknown formats give format Unknown and zero dimensions; a known format
// whose header is cut short gives std::nullopt.
std::optional<ImageHeader> read_image_header(const uint8_t* data, size_t size);

// The Orientation tag (0x0112) of a TIFF-structured EXIF block ("II*\0..." or "MM\0*...",
// optionally preceded by "Exif\0\0"); 1 when absent or malformed.
int exif_orientation(const uint8_t* data, size_t size);

}  // namespace attnscope
