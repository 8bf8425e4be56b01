// Image decoding: Pillow's convert("RGB") rules for every pixel format, EXIF orientation, and
// clear errors for unusable files. The images are written here (OpenCV, or by hand where OpenCV
// cannot write the format, e.g. grey+alpha and paletted PNGs); the expected RGB values follow
// from the rules documented in core/image/image_io.h, not from running our decoder.
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "core/common/error.h"
#include "core/image/image_header.h"
#include "core/image/image_io.h"
#include "tests/support/shared_data.h"

using namespace attnscope;

namespace {

using Bytes = std::vector<uint8_t>;
using Rgb = std::array<int, 3>;

void put_be32(Bytes& b, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<uint8_t>(v >> s));
}

void png_chunk(Bytes& out, const char* type, const Bytes& data) {
  put_be32(out, static_cast<uint32_t>(data.size()));
  const size_t start = out.size();
  out.insert(out.end(), type, type + 4);
  out.insert(out.end(), data.begin(), data.end());
  put_be32(out, static_cast<uint32_t>(crc32(0, out.data() + start, static_cast<uInt>(out.size() - start))));
}

// A PNG written by hand: `rows` are the raw scanlines (filter byte 0 is added here).
Bytes png(uint32_t w, uint32_t h, int bit_depth, int color_type, const std::vector<Bytes>& rows,
          const std::vector<std::pair<const char*, Bytes>>& extra = {}) {
  Bytes out = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  Bytes ihdr;
  put_be32(ihdr, w);
  put_be32(ihdr, h);
  ihdr.insert(ihdr.end(), {static_cast<uint8_t>(bit_depth), static_cast<uint8_t>(color_type), 0, 0, 0});
  png_chunk(out, "IHDR", ihdr);
  for (const auto& [type, data] : extra) png_chunk(out, type, data);
  Bytes raw;
  for (const auto& r : rows) {
    raw.push_back(0);
    raw.insert(raw.end(), r.begin(), r.end());
  }
  uLongf n = compressBound(static_cast<uLong>(raw.size()));
  Bytes z(n);
  compress(z.data(), &n, raw.data(), static_cast<uLong>(raw.size()));
  z.resize(n);
  png_chunk(out, "IDAT", z);
  png_chunk(out, "IEND", {});
  return out;
}

Bytes be16s(std::initializer_list<int> values) {
  Bytes b;
  for (int v : values) b.insert(b.end(), {static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v & 0xFF)});
  return b;
}

// An EXIF block (TIFF structure, little-endian) holding only the Orientation tag.
Bytes exif_block(int orientation) {
  return {'I', 'I', 42, 0, 8, 0, 0, 0,                        // header, IFD0 at offset 8
          1, 0,                                              // one entry
          0x12, 0x01, 3, 0, 1, 0, 0, 0, static_cast<uint8_t>(orientation), 0, 0, 0,  // Orientation SHORT 1
          0, 0, 0, 0};                                       // no next IFD
}

Bytes encode(const cv::Mat& m, const std::string& ext, const std::vector<int>& params = {}) {
  std::vector<uchar> buf;
  EXPECT_TRUE(cv::imencode(ext, m, buf, params)) << ext;
  return Bytes(buf.begin(), buf.end());
}

RgbImage decode(const Bytes& b, const ImageReadOptions& opt = {}) { return decode_image(b.data(), b.size(), "test image", opt); }

Rgb at(const RgbImage& im, int x, int y) {
  const uint8_t* p = im.pixel(x, y);
  return {p[0], p[1], p[2]};
}

std::string decode_error(const Bytes& b, const ImageReadOptions& opt = {}) {
  try {
    decode(b, opt);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Input) << e.what();
    return e.what();
  }
  return "(no error)";
}

void write_bytes(const std::filesystem::path& p, const Bytes& b) {
  std::ofstream out(p, std::ios::binary);
  out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

}  // namespace

TEST(VisionImageIo, GreyscaleBecomesEqualChannels) {
  const auto im = decode(png(3, 1, 8, 0, {{0, 77, 255}}));
  ASSERT_EQ(im.width, 3);
  EXPECT_EQ(at(im, 1, 0), (Rgb{77, 77, 77}));
  EXPECT_EQ(at(im, 2, 0), (Rgb{255, 255, 255}));
  // 2-bit grey: levels 0..3 scale to 0, 85, 170, 255 (PNG sample scaling, Pillow's "L;2").
  const auto g2 = decode(png(4, 1, 2, 0, {{0b00011011}}));
  for (int i = 0; i < 4; ++i) EXPECT_EQ(at(g2, i, 0)[0], 85 * i);
  // 8-bit grey written by OpenCV
  cv::Mat g(2, 2, CV_8UC1, cv::Scalar(9));
  g.at<uint8_t>(1, 0) = 200;
  const auto og = decode(encode(g, ".png"));
  EXPECT_EQ(at(og, 0, 1), (Rgb{200, 200, 200}));
  EXPECT_EQ(at(og, 1, 1), (Rgb{9, 9, 9}));
}

TEST(VisionImageIo, SixteenBitGreyIsClippedNotScaled) {
  // Pillow opens 16-bit grey as mode "I" (or "I;16"); its RGB conversion clips to 0..255.
  const auto im = decode(png(6, 1, 16, 0, {be16s({0, 100, 255, 256, 1000, 65535})}));
  const int want[] = {0, 100, 255, 255, 255, 255};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(at(im, i, 0), (Rgb{want[i], want[i], want[i]})) << i;
  // The same through OpenCV's 16-bit PNG and TIFF writers.
  cv::Mat g(1, 3, CV_16UC1);
  g.at<uint16_t>(0, 0) = 17;
  g.at<uint16_t>(0, 1) = 300;
  g.at<uint16_t>(0, 2) = 40000;
  for (const char* ext : {".png", ".tiff"}) {
    const auto o = decode(encode(g, ext));
    EXPECT_EQ(at(o, 0, 0), (Rgb{17, 17, 17})) << ext;
    EXPECT_EQ(at(o, 1, 0), (Rgb{255, 255, 255})) << ext;
    EXPECT_EQ(at(o, 2, 0), (Rgb{255, 255, 255})) << ext;
  }
}

TEST(VisionImageIo, SixteenBitColourKeepsTheHighByte) {
  // Pillow unpacks 16-bit RGB / RGBA / LA PNGs ("RGB;16B", ...) by the most significant byte.
  const auto rgb = decode(png(2, 1, 16, 2, {be16s({0x1234, 0xFFFF, 0x00FF, 0x0100, 0x8000, 0x7FFF})}));
  EXPECT_EQ(at(rgb, 0, 0), (Rgb{0x12, 0xFF, 0x00}));
  EXPECT_EQ(at(rgb, 1, 0), (Rgb{0x01, 0x80, 0x7F}));
  const auto la = decode(png(2, 1, 16, 4, {be16s({0x0100, 0x1234, 0xABCD, 0})}));
  EXPECT_EQ(at(la, 0, 0), (Rgb{1, 1, 1}));
  EXPECT_EQ(at(la, 1, 0), (Rgb{0xAB, 0xAB, 0xAB}));  // alpha 0 does not blank the colour
  cv::Mat bgra(1, 1, CV_16UC4, cv::Scalar(0x0203, 0x4050, 0xF00F, 0));  // B, G, R, A
  const auto o = decode(encode(bgra, ".png"));
  EXPECT_EQ(at(o, 0, 0), (Rgb{0xF0, 0x40, 0x02}));
}

TEST(VisionImageIo, AlphaIsDroppedNotComposited) {
  // RGBA: alpha 0 and 128 leave the colour as stored (no white or black background).
  const auto rgba = decode(png(2, 1, 8, 6, {{10, 20, 30, 0, 200, 100, 50, 128}}));
  EXPECT_EQ(at(rgba, 0, 0), (Rgb{10, 20, 30}));
  EXPECT_EQ(at(rgba, 1, 0), (Rgb{200, 100, 50}));
  // Grey + alpha (OpenCV cannot write it).
  const auto la = decode(png(2, 1, 8, 4, {{10, 0, 200, 255}}));
  EXPECT_EQ(at(la, 0, 0), (Rgb{10, 10, 10}));
  EXPECT_EQ(at(la, 1, 0), (Rgb{200, 200, 200}));
  // BGRA written by OpenCV as PNG and WebP (lossless; alpha 1, since libwebp may rewrite the
  // colour of fully transparent pixels).
  cv::Mat bgra(2, 2, CV_8UC4, cv::Scalar(1, 2, 3, 1));
  EXPECT_EQ(at(decode(encode(bgra, ".png")), 1, 1), (Rgb{3, 2, 1}));
  EXPECT_EQ(at(decode(encode(bgra, ".webp", {cv::IMWRITE_WEBP_QUALITY, 101})), 1, 1), (Rgb{3, 2, 1}));
}

TEST(VisionImageIo, PalettedImagesUseThePaletteColours) {
  const Bytes plte = {255, 0, 0, 0, 255, 0, 1, 2, 3};
  const auto p = decode(png(3, 1, 8, 3, {{2, 0, 1}}, {{"PLTE", plte}}));
  EXPECT_EQ(at(p, 0, 0), (Rgb{1, 2, 3}));
  EXPECT_EQ(at(p, 1, 0), (Rgb{255, 0, 0}));
  EXPECT_EQ(at(p, 2, 0), (Rgb{0, 255, 0}));
  // With palette transparency (tRNS): still the palette colours, transparency ignored.
  const auto t = decode(png(3, 1, 8, 3, {{0, 1, 2}}, {{"PLTE", plte}, {"tRNS", {0, 128}}}));
  EXPECT_EQ(at(t, 0, 0), (Rgb{255, 0, 0}));
  EXPECT_EQ(at(t, 1, 0), (Rgb{0, 255, 0}));
  // 4-bit indices, two per byte.
  const auto p4 = decode(png(2, 1, 4, 3, {{0x21}}, {{"PLTE", plte}}));
  EXPECT_EQ(at(p4, 0, 0), (Rgb{1, 2, 3}));
  EXPECT_EQ(at(p4, 1, 0), (Rgb{0, 255, 0}));
}

TEST(VisionImageIo, ReadsJpegBmpTiffWebpFromFiles) {
  const auto dir = test::scratch_dir("image-formats");
  cv::Mat bgr(8, 16, CV_8UC3, cv::Scalar(30, 60, 200));  // B, G, R
  for (const char* ext : {".png", ".bmp", ".tiff", ".jpg", ".webp"}) {
    const auto path = dir / (std::string("img") + ext);
    write_bytes(path, encode(bgr, ext, std::string(ext) == ".jpg" ? std::vector<int>{cv::IMWRITE_JPEG_QUALITY, 100} : std::vector<int>{}));
    const auto im = read_image(path);
    EXPECT_EQ(im.width, 16) << ext;
    EXPECT_EQ(im.height, 8) << ext;
    const Rgb c = at(im, 5, 4);
    const int tol = std::string(ext) == ".jpg" || std::string(ext) == ".webp" ? 3 : 0;  // lossy codecs
    EXPECT_NEAR(c[0], 200, tol) << ext;
    EXPECT_NEAR(c[1], 60, tol) << ext;
    EXPECT_NEAR(c[2], 30, tol) << ext;
  }
}

// The upright image for each EXIF orientation of a stored W x H image, from the EXIF 2.3 table
// ("row 0 is the visual ..., column 0 is the visual ..."): where stored pixel (x, y) is shown.
std::pair<int, int> shown_at(int orientation, int x, int y, int W, int H) {
  switch (orientation) {
    case 1: return {x, y};                  // row 0 top, column 0 left
    case 2: return {W - 1 - x, y};          // row 0 top, column 0 right
    case 3: return {W - 1 - x, H - 1 - y};  // row 0 bottom, column 0 right
    case 4: return {x, H - 1 - y};          // row 0 bottom, column 0 left
    case 5: return {y, x};                  // row 0 left, column 0 top
    case 6: return {H - 1 - y, x};          // row 0 right, column 0 top
    case 7: return {H - 1 - y, W - 1 - x};  // row 0 right, column 0 bottom
    case 8: return {y, W - 1 - x};          // row 0 left, column 0 bottom
  }
  return {-1, -1};
}

TEST(VisionImageIo, AppliesExifOrientationFromPngExif) {
  const int W = 3, H = 2;
  std::vector<Bytes> rows(H);
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) rows[y].insert(rows[y].end(), {static_cast<uint8_t>(10 * x + 1), static_cast<uint8_t>(10 * y + 2), 7});
  for (int o = 1; o <= 8; ++o) {
    const Bytes file = png(W, H, 8, 2, rows, {{"eXIf", exif_block(o)}});
    ASSERT_EQ(read_image_header(file.data(), file.size())->orientation, o);
    const auto im = decode(file);
    const bool swapped = o >= 5;
    ASSERT_EQ(im.width, swapped ? H : W) << o;
    ASSERT_EQ(im.height, swapped ? W : H) << o;
    for (int y = 0; y < H; ++y)
      for (int x = 0; x < W; ++x) {
        const auto [sx, sy] = shown_at(o, x, y, W, H);
        EXPECT_EQ(at(im, sx, sy), (Rgb{10 * x + 1, 10 * y + 2, 7})) << "orientation " << o << " pixel " << x << "," << y;
      }
    ImageReadOptions raw;
    raw.apply_exif_orientation = false;
    EXPECT_EQ(decode(file, raw).width, W);
  }
}

TEST(VisionImageIo, AppliesExifOrientationFromJpegAndWebp) {
  // 32 x 16: left half red, right half blue.
  cv::Mat bgr(16, 32, CV_8UC3, cv::Scalar(255, 0, 0));
  bgr(cv::Rect(0, 0, 16, 16)).setTo(cv::Scalar(0, 0, 255));
  // JPEG: an APP1 "Exif" segment right after SOI, orientation 6 (rotate 90 degrees clockwise:
  // the stored left half ends up on top).
  Bytes jpg = encode(bgr, ".jpg", {cv::IMWRITE_JPEG_QUALITY, 100});
  Bytes app1 = {0xFF, 0xE1, 0, 0, 'E', 'x', 'i', 'f', 0, 0};
  const Bytes ex = exif_block(6);
  app1.insert(app1.end(), ex.begin(), ex.end());
  app1[2] = static_cast<uint8_t>((app1.size() - 2) >> 8);
  app1[3] = static_cast<uint8_t>((app1.size() - 2) & 0xFF);
  jpg.insert(jpg.begin() + 2, app1.begin(), app1.end());
  const auto j = decode(jpg);
  ASSERT_EQ(j.width, 16);
  ASSERT_EQ(j.height, 32);
  EXPECT_GT(at(j, 8, 8)[0], 240);   // top: red
  EXPECT_GT(at(j, 8, 24)[2], 240);  // bottom: blue

  // WebP: the simple lossless file turned into the extended format (VP8X + VP8L + EXIF),
  // orientation 3 (180 degrees: red ends up on the right).
  const Bytes simple = encode(bgr, ".webp", {cv::IMWRITE_WEBP_QUALITY, 101});
  ASSERT_EQ(std::memcmp(simple.data() + 12, "VP8L", 4), 0);
  const Bytes vp8l(simple.begin() + 12, simple.end());
  auto le32 = [](Bytes& b, uint32_t v) {
    for (int s = 0; s < 32; s += 8) b.push_back(static_cast<uint8_t>(v >> s));
  };
  Bytes webp = {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', 'X'};
  le32(webp, 10);
  webp.insert(webp.end(), {0x08, 0, 0, 0, 31, 0, 0, 15, 0, 0});  // flags: EXIF; canvas 32 x 16 (minus one)
  webp.insert(webp.end(), vp8l.begin(), vp8l.end());
  if (webp.size() % 2) webp.push_back(0);
  webp.insert(webp.end(), {'E', 'X', 'I', 'F'});
  const Bytes ex3 = exif_block(3);
  le32(webp, static_cast<uint32_t>(ex3.size()));
  webp.insert(webp.end(), ex3.begin(), ex3.end());
  const uint32_t riff = static_cast<uint32_t>(webp.size() - 8);
  for (int i = 0; i < 4; ++i) webp[4 + i] = static_cast<uint8_t>(riff >> (8 * i));
  const auto w = decode(webp);
  ASSERT_EQ(w.width, 32);
  EXPECT_EQ(at(w, 24, 8), (Rgb{255, 0, 0}));
  EXPECT_EQ(at(w, 8, 8), (Rgb{0, 0, 255}));
}

TEST(VisionImageIo, HeaderGivesSizesWithoutDecoding) {
  cv::Mat bgr(7, 13, CV_8UC3, cv::Scalar(1, 2, 3));
  const std::pair<const char*, ImageFormat> formats[] = {
      {".png", ImageFormat::Png}, {".jpg", ImageFormat::Jpeg}, {".bmp", ImageFormat::Bmp},
      {".tiff", ImageFormat::Tiff}, {".webp", ImageFormat::WebP}};
  for (const auto& [ext, format] : formats) {
    const Bytes b = encode(bgr, ext);
    const auto h = read_image_header(b.data(), b.size());
    ASSERT_TRUE(h) << ext;
    EXPECT_EQ(h->format, format) << ext;
    EXPECT_EQ(h->width, 13) << ext;
    EXPECT_EQ(h->height, 7) << ext;
  }
  // Lossy WebP (VP8 frame header).
  const Bytes lossy = encode(bgr, ".webp", {cv::IMWRITE_WEBP_QUALITY, 80});
  EXPECT_EQ(read_image_header(lossy.data(), lossy.size())->width, 13);
}

TEST(VisionImageIo, RefusesHugeImagesFromTheHeader) {
  // A PNG that claims 20000 x 10000 pixels but holds one row: refused on the header's word.
  Bytes huge = png(20000, 10000, 8, 0, {Bytes(20000, 0)});
  EXPECT_NE(decode_error(huge).find("20000x10000 = 200 megapixels; at most 100 megapixels"), std::string::npos);
  // A JPEG whose SOF0 says 12000 x 9000 (108 MP).
  cv::Mat bgr(8, 8, CV_8UC3, cv::Scalar(0, 0, 0));
  Bytes jpg = encode(bgr, ".jpg");
  const Bytes sof = {0xFF, 0xC0};
  auto it = std::search(jpg.begin(), jpg.end(), sof.begin(), sof.end());
  ASSERT_NE(it, jpg.end());
  const size_t p = static_cast<size_t>(it - jpg.begin()) + 5;  // marker, length (2), precision
  jpg[p] = 9000 >> 8, jpg[p + 1] = 9000 & 0xFF, jpg[p + 2] = 12000 >> 8, jpg[p + 3] = 12000 & 0xFF;
  EXPECT_NE(decode_error(jpg).find("12000x9000 = 108 megapixels"), std::string::npos) << decode_error(jpg);
  // The limit is an option.
  ImageReadOptions small;
  small.max_pixels = 50;
  EXPECT_NE(decode_error(encode(bgr, ".png"), small).find("8x8 = 64 pixels; at most 50 pixels are accepted"), std::string::npos);
  EXPECT_NO_THROW(decode(encode(bgr, ".png")));
}

TEST(VisionImageIo, ClearErrorsForUnusableFiles) {
  const auto dir = test::scratch_dir("bad-images");
  auto error_for = [&](const std::string& name, const Bytes& content) {
    write_bytes(dir / name, content);
    try {
      read_image(dir / name);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Input);
      EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();  // names the file
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_NE(error_for("empty.png", {}).find("the file is empty"), std::string::npos);
  const std::string text = "just some text, not an image\n";
  EXPECT_NE(error_for("notes.png", Bytes(text.begin(), text.end())).find("not a recognised image file"), std::string::npos);

  cv::Mat bgr(64, 64, CV_8UC3);
  cv::randu(bgr, 0, 255);
  Bytes p = encode(bgr, ".png");
  p.resize(p.size() / 2);
  EXPECT_NE(error_for("half.png", p).find("corrupt PNG image"), std::string::npos);
  Bytes j = encode(bgr, ".jpg");
  j.resize(j.size() * 2 / 3);
  EXPECT_NE(error_for("half.jpg", j).find("truncated JPEG"), std::string::npos);
  EXPECT_NE(error_for("stub.png", Bytes{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0}).find("header is incomplete"),
            std::string::npos);

  try {
    read_image(dir / "missing.png");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Input);
    EXPECT_NE(std::string(e.what()).find("missing.png: no such file"), std::string::npos) << e.what();
  }
  EXPECT_THROW(read_image(dir), Error);  // a folder
}
