#include "core/image/image_io.h"

#include <algorithm>
#include <fstream>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/common/error.h"
#include "core/image/image_codecs.h"
#include "core/image/image_header.h"

namespace attnscope {

namespace {

constexpr uint64_t kMaxFileBytes = 1ull << 30;  // also keeps the size within OpenCV's int

std::vector<uint8_t> read_file_bytes(const std::filesystem::path& path, const std::string& label) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) fail(ErrorKind::Input, label + ": no such file");
  if (std::filesystem::is_directory(path, ec)) fail(ErrorKind::Input, label + ": is a folder, not an image file");
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) fail(ErrorKind::Input, label + ": cannot read the image file (" + ec.message() + ")");
  if (size > kMaxFileBytes) fail(ErrorKind::Input, label + ": the file is larger than 1 GiB");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(ErrorKind::Input, label + ": cannot read the image file");
  std::vector<uint8_t> bytes(size);
  if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size)))
    fail(ErrorKind::Input, label + ": cannot read the image file");
  return bytes;
}

std::string pixel_count(double n) {  // double: header sizes up to 2^32 x 2^32 must not overflow
  return n >= 1e6 ? std::to_string(static_cast<int64_t>(n / 1e6)) + " megapixels" : std::to_string(static_cast<int64_t>(n)) + " pixels";
}

void check_pixels(int64_t width, int64_t height, const ImageReadOptions& opt, const std::string& label) {
  if (width <= 0 || height <= 0)
    fail(ErrorKind::Input, label + ": invalid image size " + std::to_string(width) + "x" + std::to_string(height));
  if (width > opt.max_pixels / height)
    fail(ErrorKind::Input, label + ": the image is " + std::to_string(width) + "x" + std::to_string(height) + " = " +
                               pixel_count(double(width) * double(height)) + "; at most " + pixel_count(double(opt.max_pixels)) +
                               " are accepted");
}

// EXIF orientation -> the transposition that shows the image upright (PIL.ImageOps.exif_transpose).
cv::Mat orient(const cv::Mat& m, int orientation) {
  cv::Mat out;
  switch (orientation) {
    case 2: cv::flip(m, out, 1); break;
    case 3: cv::rotate(m, out, cv::ROTATE_180); break;
    case 4: cv::flip(m, out, 0); break;
    case 5: cv::transpose(m, out); break;
    case 6: cv::rotate(m, out, cv::ROTATE_90_CLOCKWISE); break;
    case 7: cv::transpose(m, out); cv::flip(out, out, -1); break;
    case 8: cv::rotate(m, out, cv::ROTATE_90_COUNTERCLOCKWISE); break;
    default: return m;
  }
  return out;
}

// An OpenCV image as decoded (IMREAD_UNCHANGED: BGR(A) channel order, 8 or 16 bits) -> RGB8
// with Pillow's convert("RGB") rules (see image_io.h).
RgbImage to_rgb8(const cv::Mat& m, const std::string& label) {
  RgbImage out(m.cols, m.rows);
  cv::Mat dst(m.rows, m.cols, CV_8UC3, out.pixels.data());
  const int ch = m.channels();
  if (m.depth() == CV_8U) {
    switch (ch) {
      case 1: cv::cvtColor(m, dst, cv::COLOR_GRAY2RGB); break;
      case 3: cv::cvtColor(m, dst, cv::COLOR_BGR2RGB); break;
      case 4: cv::cvtColor(m, dst, cv::COLOR_BGRA2RGB); break;
      default: fail(ErrorKind::Input, label + ": unsupported image with " + std::to_string(ch) + " channels");
    }
    return out;
  }
  if (m.depth() == CV_16U && (ch == 1 || ch == 3 || ch == 4)) {
    for (int y = 0; y < m.rows; ++y) {
      const uint16_t* s = m.ptr<uint16_t>(y);
      uint8_t* d = out.pixel(0, y);
      for (int x = 0; x < m.cols; ++x, s += ch, d += 3) {
        if (ch == 1) {
          d[0] = d[1] = d[2] = static_cast<uint8_t>(std::min<uint16_t>(s[0], 255));  // Pillow "I" -> RGB clips
        } else {
          d[0] = static_cast<uint8_t>(s[2] >> 8);  // Pillow unpacks 16-bit colour by its high byte
          d[1] = static_cast<uint8_t>(s[1] >> 8);
          d[2] = static_cast<uint8_t>(s[0] >> 8);
        }
      }
    }
    return out;
  }
  const char* depth = m.depth() == CV_32F ? "32-bit float" : m.depth() == CV_64F ? "64-bit float" : "signed or 32-bit integer";
  fail(ErrorKind::Input, label + ": unsupported pixel format (" + std::string(depth) + " samples, " + std::to_string(ch) +
                             " channels); 8- and 16-bit images are accepted");
}

}  // namespace

RgbImage decode_image(const uint8_t* data, size_t size, const std::string& label, const ImageReadOptions& opt) {
  if (size == 0) fail(ErrorKind::Input, label + ": the file is empty");
  const auto header = read_image_header(data, size);
  if (!header) fail(ErrorKind::Input, label + ": corrupt image (the header is incomplete)");
  // Only the five formats reach OpenCV: its other decoders (JPEG 2000, OpenEXR, PNM, HDR, ...)
  // would be attack surface, and their sizes are not checked before decoding.
  if (header->format == ImageFormat::Unknown)
    fail(ErrorKind::Input, label + ": not a recognised image file (supported: PNG, JPEG, BMP, TIFF, WebP)");
  check_pixels(header->width, header->height, opt, label);
  if (header->truncated) fail(ErrorKind::Input, label + ": truncated JPEG (no end-of-image marker)");
  if (header->animated)
    fail(ErrorKind::Input, label + ": an animated WebP; Attnscope reads still images (save one frame as PNG or a still WebP)");

  cv::Mat m;
  try {
    const cv::Mat buffer(1, static_cast<int>(size), CV_8U, const_cast<uint8_t*>(data));
    m = imdecode_lazily(buffer, cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception& e) {
    fail(ErrorKind::Input, label + ": cannot decode the image (" + e.msg + ")");
  }
  if (m.empty()) fail(ErrorKind::Input, label + ": corrupt " + std::string(to_string(header->format)) + " image (decoding failed)");
  check_pixels(m.cols, m.rows, opt, label);
  // OpenCV's TIFF reader applies the orientation itself; for the other formats IMREAD_UNCHANGED
  // leaves it to us.
  if (opt.apply_exif_orientation && header->format != ImageFormat::Tiff) m = orient(m, header->orientation);
  return to_rgb8(m, label);
}

RgbImage read_image(const std::filesystem::path& path, const ImageReadOptions& opt) {
  const std::string label = path.string();
  const std::vector<uint8_t> bytes = read_file_bytes(path, label);
  return decode_image(bytes.data(), bytes.size(), label, opt);
}

}  // namespace attnscope
