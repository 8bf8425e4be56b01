// Image signatures and header fields, from the format specifications (PNG 1.2 / eXIf extension,
// JPEG T.81 markers, BMP BITMAPINFOHEADER, TIFF 6.0, WebP RIFF container, EXIF 2.3 IFD0).
#include "core/image/image_header.h"

#include <cstring>

namespace attnscope {

namespace {

uint32_t be16(const uint8_t* p) { return (uint32_t(p[0]) << 8) | p[1]; }
uint32_t be32(const uint8_t* p) { return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3]; }
uint32_t le16(const uint8_t* p) { return uint32_t(p[0]) | (uint32_t(p[1]) << 8); }
uint32_t le24(const uint8_t* p) { return uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16); }
uint32_t le32(const uint8_t* p) { return le16(p) | (le16(p + 2) << 16); }

bool starts_with(const uint8_t* data, size_t size, const char* magic, size_t n) {
  return size >= n && std::memcmp(data, magic, n) == 0;
}

// A TIFF structure (EXIF blocks and TIFF files): byte order, then IFD0 entries.
struct TiffReader {
  const uint8_t* data;
  size_t size;
  bool little;

  uint32_t u16(size_t off) const { return little ? le16(data + off) : be16(data + off); }
  uint32_t u32(size_t off) const { return little ? le32(data + off) : be32(data + off); }

  static std::optional<TiffReader> open(const uint8_t* data, size_t size) {
    if (size < 8) return std::nullopt;
    if (std::memcmp(data, "II*\0", 4) == 0) return TiffReader{data, size, true};
    if (std::memcmp(data, "MM\0*", 4) == 0) return TiffReader{data, size, false};
    return std::nullopt;
  }

  // Value of a SHORT or LONG tag with count 1 in IFD0.
  std::optional<uint32_t> tag(uint32_t wanted) const {
    const size_t ifd = u32(4);
    if (ifd > size || size - ifd < 2) return std::nullopt;
    const size_t n = u16(ifd);
    for (size_t i = 0; i < n; ++i) {
      const size_t e = ifd + 2 + 12 * i;
      if (e + 12 > size) return std::nullopt;
      if (u16(e) != wanted) continue;
      const uint32_t type = u16(e + 2);
      if (type == 3) return u16(e + 8);  // SHORT, left-justified in the value field
      if (type == 4) return u32(e + 8);  // LONG
      return std::nullopt;
    }
    return std::nullopt;
  }
};

int valid_orientation(std::optional<uint32_t> v) { return v && *v >= 1 && *v <= 8 ? static_cast<int>(*v) : 1; }

std::optional<ImageHeader> png_header(const uint8_t* d, size_t size) {
  // signature (8), then IHDR: length (4) "IHDR" (4) width (4) height (4) ...
  if (size < 8 + 8 + 13 || std::memcmp(d + 12, "IHDR", 4) != 0) return std::nullopt;
  ImageHeader h;
  h.format = ImageFormat::Png;
  h.width = be32(d + 16);
  h.height = be32(d + 20);
  for (size_t off = 8; off + 8 <= size;) {
    const size_t len = be32(d + off);
    const uint8_t* type = d + off + 4;
    if (len > size - off - 8) break;
    if (std::memcmp(type, "eXIf", 4) == 0) {
      h.orientation = exif_orientation(d + off + 8, len);
      break;
    }
    if (std::memcmp(type, "IEND", 4) == 0) break;
    off += 12 + len;  // length, type, data, CRC
  }
  return h;
}

std::optional<ImageHeader> jpeg_header(const uint8_t* d, size_t size) {
  ImageHeader h;
  h.format = ImageFormat::Jpeg;
  bool have_exif = false;
  size_t off = 2;
  while (true) {
    while (off < size && d[off] != 0xFF) ++off;  // tolerate stray bytes between segments
    while (off < size && d[off] == 0xFF) ++off;  // fill bytes
    if (off >= size) return std::nullopt;
    const uint8_t marker = d[off++];
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue;  // no length field
    if (marker == 0xD9) return std::nullopt;                             // EOI before any scan
    if (off + 2 > size) return std::nullopt;
    const size_t len = be16(d + off);
    if (len < 2 || off + len > size) return std::nullopt;
    const uint8_t* seg = d + off + 2;
    const size_t seg_len = len - 2;
    if (marker == 0xE1 && !have_exif && seg_len >= 6 && std::memcmp(seg, "Exif\0\0", 6) == 0) {
      h.orientation = exif_orientation(seg + 6, seg_len - 6);
      have_exif = true;
    }
    const bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (sof) {
      if (seg_len < 5) return std::nullopt;
      h.height = be16(seg + 1);
      h.width = be16(seg + 3);
    }
    off += len;
    if (marker == 0xDA) break;  // start of scan: entropy-coded data follows
  }
  // The scan must end in an EOI marker somewhere after it; libjpeg only warns about a truncated
  // file and fills the rest with grey, where Pillow refuses it.
  bool eoi = false;
  for (size_t i = size; i-- > off + 1;)
    if (d[i - 1] == 0xFF && d[i] == 0xD9) {
      eoi = true;
      break;
    }
  h.truncated = !eoi;
  return h;
}

std::optional<ImageHeader> bmp_header(const uint8_t* d, size_t size) {
  if (size < 26) return std::nullopt;
  ImageHeader h;
  h.format = ImageFormat::Bmp;
  const uint32_t dib = le32(d + 14);
  if (dib == 12) {  // OS/2 BITMAPCOREHEADER: 16-bit dimensions
    h.width = le16(d + 18);
    h.height = le16(d + 20);
  } else {
    h.width = static_cast<int32_t>(le32(d + 18));
    h.height = static_cast<int32_t>(le32(d + 22));
    if (h.height < 0) h.height = -h.height;  // top-down rows
  }
  return h;
}

std::optional<ImageHeader> tiff_header(const uint8_t* d, size_t size) {
  auto t = TiffReader::open(d, size);
  if (!t) return std::nullopt;
  auto w = t->tag(256), hgt = t->tag(257);
  if (!w || !hgt) return std::nullopt;
  ImageHeader h;
  h.format = ImageFormat::Tiff;
  h.width = *w;
  h.height = *hgt;
  h.orientation = valid_orientation(t->tag(0x0112));
  return h;
}

std::optional<ImageHeader> webp_header(const uint8_t* d, size_t size) {
  ImageHeader h;
  h.format = ImageFormat::WebP;
  bool sized = false;
  for (size_t off = 12; off + 8 <= size;) {
    const uint8_t* type = d + off;
    const size_t len = le32(d + off + 4);
    const uint8_t* p = d + off + 8;
    if (len > size - off - 8) break;
    if (std::memcmp(type, "ANIM", 4) == 0) h.animated = true;
    if (std::memcmp(type, "VP8X", 4) == 0 && len >= 10) {
      h.animated = h.animated || (p[0] & 0x02);
      h.width = int64_t(le24(p + 4)) + 1;
      h.height = int64_t(le24(p + 7)) + 1;
      sized = true;
    } else if (std::memcmp(type, "VP8 ", 4) == 0 && len >= 10 && !sized) {
      if (p[3] != 0x9D || p[4] != 0x01 || p[5] != 0x2A) return std::nullopt;
      h.width = le16(p + 6) & 0x3FFF;
      h.height = le16(p + 8) & 0x3FFF;
      sized = true;
    } else if (std::memcmp(type, "VP8L", 4) == 0 && len >= 5 && !sized) {
      if (p[0] != 0x2F) return std::nullopt;
      const uint32_t bits = le32(p + 1);
      h.width = int64_t(bits & 0x3FFF) + 1;
      h.height = int64_t((bits >> 14) & 0x3FFF) + 1;
      sized = true;
    } else if (std::memcmp(type, "EXIF", 4) == 0) {
      h.orientation = exif_orientation(p, len);
    }
    off += 8 + len + (len & 1);  // chunks are padded to an even size
  }
  if (!sized) return std::nullopt;
  return h;
}

}  // namespace

const char* to_string(ImageFormat format) {
  switch (format) {
    case ImageFormat::Png: return "PNG";
    case ImageFormat::Jpeg: return "JPEG";
    case ImageFormat::Bmp: return "BMP";
    case ImageFormat::Tiff: return "TIFF";
    case ImageFormat::WebP: return "WebP";
    case ImageFormat::Unknown: break;
  }
  return "unknown";
}

int exif_orientation(const uint8_t* data, size_t size) {
  if (starts_with(data, size, "Exif\0\0", 6)) {
    data += 6;
    size -= 6;
  }
  auto t = TiffReader::open(data, size);
  return t ? valid_orientation(t->tag(0x0112)) : 1;
}

std::optional<ImageHeader> read_image_header(const uint8_t* data, size_t size) {
  if (starts_with(data, size, "\x89PNG\r\n\x1a\n", 8)) return png_header(data, size);
  if (starts_with(data, size, "\xFF\xD8\xFF", 3)) return jpeg_header(data, size);
  if (starts_with(data, size, "BM", 2)) return bmp_header(data, size);
  if (starts_with(data, size, "II*\0", 4) || starts_with(data, size, "MM\0*", 4)) return tiff_header(data, size);
  if (size >= 12 && std::memcmp(data, "RIFF", 4) == 0 && std::memcmp(data + 8, "WEBP", 4) == 0) return webp_header(data, size);
  return ImageHeader{};
}

}  // namespace attnscope
