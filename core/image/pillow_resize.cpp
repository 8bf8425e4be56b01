// Pillow 9.4's resampling (libImaging/Resample.c for the convolution filters, the affine scaler
// of libImaging/Geometry.c for NEAREST), reimplemented so that preprocessing gives the same 8-bit
// pixels as Hugging Face's PIL-based image processors. Built with -ffp-contract=off: a fused
// multiply-add would change the double-precision weights in their last bit.
#include "core/image/pillow_resize.h"

#include <algorithm>
#include <cmath>

#include "core/common/error.h"

namespace attnscope {

namespace {

constexpr double kPi = 3.14159265358979323846;  // M_PI

double box_filter(double x) { return x > -0.5 && x <= 0.5 ? 1.0 : 0.0; }

double bilinear_filter(double x) {
  if (x < 0.0) x = -x;
  return x < 1.0 ? 1.0 - x : 0.0;
}

double hamming_filter(double x) {
  if (x < 0.0) x = -x;
  if (x == 0.0) return 1.0;
  if (x >= 1.0) return 0.0;
  x = x * kPi;
  return std::sin(x) / x * (0.54f + 0.46f * std::cos(x));  // float constants, as Pillow writes them
}

double bicubic_filter(double x) {
  constexpr double a = -0.5;
  if (x < 0.0) x = -x;
  if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
  if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
  return 0.0;
}

double sinc_filter(double x) {
  if (x == 0.0) return 1.0;
  x = x * kPi;
  return std::sin(x) / x;
}

double lanczos_filter(double x) { return -3.0 <= x && x < 3.0 ? sinc_filter(x) * sinc_filter(x / 3) : 0.0; }

struct Filter {
  double (*fn)(double);
  double support;
};

Filter filter_for(ResampleFilter f) {
  switch (f) {
    case ResampleFilter::Box: return {box_filter, 0.5};
    case ResampleFilter::Bilinear: return {bilinear_filter, 1.0};
    case ResampleFilter::Hamming: return {hamming_filter, 1.0};
    case ResampleFilter::Bicubic: return {bicubic_filter, 2.0};
    case ResampleFilter::Lanczos: return {lanczos_filter, 3.0};
    case ResampleFilter::Nearest: break;
  }
  throw std::logic_error("filter_for(Nearest)");
}

constexpr int kPrecisionBits = 32 - 8 - 2;

// Per output pixel of one axis: the first input pixel, how many follow, and their fixed-point
// weights (ksize slots each).
struct AxisCoeffs {
  int ksize = 0;
  std::vector<int> first, count;
  std::vector<int32_t> weights;
};

AxisCoeffs precompute_coeffs(int in_size, int out_size, const Filter& filter) {
  const double scale = static_cast<double>(in_size) / out_size;
  const double filterscale = std::max(scale, 1.0);
  const double support = filter.support * filterscale;
  AxisCoeffs c;
  c.ksize = static_cast<int>(std::ceil(support)) * 2 + 1;
  c.first.resize(static_cast<size_t>(out_size));
  c.count.resize(static_cast<size_t>(out_size));
  c.weights.assign(static_cast<size_t>(out_size) * static_cast<size_t>(c.ksize), 0);
  std::vector<double> k(static_cast<size_t>(c.ksize));
  for (int xx = 0; xx < out_size; ++xx) {
    const double center = (xx + 0.5) * scale;
    const double ss = 1.0 / filterscale;
    const int xmin = std::max(static_cast<int>(center - support + 0.5), 0);  // truncation, as C's (int)
    const int xmax = std::min(static_cast<int>(center + support + 0.5), in_size) - xmin;
    double ww = 0.0;
    for (int x = 0; x < xmax; ++x) {
      k[static_cast<size_t>(x)] = filter.fn((x + xmin - center + 0.5) * ss);
      ww += k[static_cast<size_t>(x)];
    }
    int32_t* w = c.weights.data() + static_cast<size_t>(xx) * static_cast<size_t>(c.ksize);
    for (int x = 0; x < xmax; ++x) {
      double v = k[static_cast<size_t>(x)];
      if (ww != 0.0) v /= ww;
      w[x] = static_cast<int32_t>(v < 0 ? -0.5 + v * (1 << kPrecisionBits) : 0.5 + v * (1 << kPrecisionBits));
    }
    c.first[static_cast<size_t>(xx)] = xmin;
    c.count[static_cast<size_t>(xx)] = xmax;
  }
  return c;
}

inline uint8_t clip8(int32_t v) { return static_cast<uint8_t>(std::clamp(v >> kPrecisionBits, 0, 255)); }

// Horizontal pass over input rows [row0, row0 + out.height).
void resample_horizontal(const RgbImage& in, int row0, const AxisCoeffs& c, RgbImage& out) {
#pragma omp parallel for schedule(static)
  for (int yy = 0; yy < out.height; ++yy) {
    const uint8_t* src = in.pixel(0, yy + row0);
    uint8_t* dst = out.pixel(0, yy);
    for (int xx = 0; xx < out.width; ++xx) {
      const int32_t* k = c.weights.data() + static_cast<size_t>(xx) * static_cast<size_t>(c.ksize);
      const uint8_t* s = src + static_cast<size_t>(c.first[static_cast<size_t>(xx)]) * 3;
      int32_t s0 = 1 << (kPrecisionBits - 1), s1 = s0, s2 = s0;
      for (int x = 0; x < c.count[static_cast<size_t>(xx)]; ++x, s += 3) {
        s0 += s[0] * k[x];
        s1 += s[1] * k[x];
        s2 += s[2] * k[x];
      }
      dst[3 * xx + 0] = clip8(s0);
      dst[3 * xx + 1] = clip8(s1);
      dst[3 * xx + 2] = clip8(s2);
    }
  }
}

// Vertical pass; `c.first` is relative to `in`'s first row minus `row0`.
void resample_vertical(const RgbImage& in, int row0, const AxisCoeffs& c, RgbImage& out) {
  const size_t stride = static_cast<size_t>(in.width) * 3;
#pragma omp parallel for schedule(static)
  for (int yy = 0; yy < out.height; ++yy) {
    const int32_t* k = c.weights.data() + static_cast<size_t>(yy) * static_cast<size_t>(c.ksize);
    const int ymin = c.first[static_cast<size_t>(yy)] - row0;
    const int n = c.count[static_cast<size_t>(yy)];
    uint8_t* dst = out.pixel(0, yy);
    for (size_t i = 0; i < stride; ++i) {
      const uint8_t* s = in.pixels.data() + static_cast<size_t>(ymin) * stride + i;
      int32_t acc = 1 << (kPrecisionBits - 1);
      for (int y = 0; y < n; ++y, s += stride) acc += *s * k[y];
      dst[i] = clip8(acc);
    }
  }
}

// ImagingScaleAffine: nearest neighbour, positions accumulated step by step in double.
RgbImage resize_nearest(const RgbImage& in, int width, int height) {
  RgbImage out(width, height);  // pixels that map outside the source stay 0 (Pillow's fill)
  const double ax = static_cast<double>(in.width) / width, ay = static_cast<double>(in.height) / height;
  auto coord = [](double v) { return v < 0.0 ? -1 : static_cast<int>(v); };
  std::vector<int> xin(static_cast<size_t>(width), -1);
  double xo = ax * 0.5;
  for (int x = 0; x < width; ++x, xo += ax) {
    const int xi = coord(xo);
    if (xi >= 0 && xi < in.width) xin[static_cast<size_t>(x)] = xi;
  }
  double yo = ay * 0.5;
  for (int y = 0; y < height; ++y, yo += ay) {
    const int yi = coord(yo);
    if (yi < 0 || yi >= in.height) continue;
    for (int x = 0; x < width; ++x)
      if (xin[static_cast<size_t>(x)] >= 0) std::copy_n(in.pixel(xin[static_cast<size_t>(x)], yi), 3, out.pixel(x, y));
  }
  return out;
}

}  // namespace

ResampleFilter resample_filter_from_code(int64_t code, const std::string& label) {
  if (code < 0 || code > 5)
    fail(ErrorKind::Model, label + ": unsupported resample filter " + std::to_string(code) +
                               " (Pillow codes: 0 nearest, 1 lanczos, 2 bilinear, 3 bicubic, 4 box, 5 hamming)");
  return static_cast<ResampleFilter>(code);
}

const char* to_string(ResampleFilter f) {
  switch (f) {
    case ResampleFilter::Nearest: return "nearest";
    case ResampleFilter::Lanczos: return "lanczos";
    case ResampleFilter::Bilinear: return "bilinear";
    case ResampleFilter::Bicubic: return "bicubic";
    case ResampleFilter::Box: return "box";
    case ResampleFilter::Hamming: return "hamming";
  }
  return "?";
}

RgbImage pillow_resize(const RgbImage& in, int width, int height, ResampleFilter filter) {
  if (width <= 0 || height <= 0)
    fail(ErrorKind::Usage, "cannot resize to " + std::to_string(width) + "x" + std::to_string(height));
  if (in.empty()) fail(ErrorKind::Input, "cannot resize an empty image");
  if (width == in.width && height == in.height) return in;
  if (filter == ResampleFilter::Nearest) return resize_nearest(in, width, height);

  const Filter f = filter_for(filter);
  const AxisCoeffs vert = precompute_coeffs(in.height, height, f);
  const bool need_horizontal = width != in.width, need_vertical = height != in.height;
  // Only the source rows the vertical pass reads go through the horizontal pass.
  const int row_first = vert.first.front();
  const int row_last = vert.first.back() + vert.count.back();

  RgbImage tmp;
  const RgbImage* src = &in;
  int row0 = 0;
  if (need_horizontal) {
    const AxisCoeffs horiz = precompute_coeffs(in.width, width, f);
    tmp = RgbImage(width, row_last - row_first);
    resample_horizontal(in, row_first, horiz, tmp);
    src = &tmp;
    row0 = row_first;
  }
  if (!need_vertical) return tmp;
  RgbImage out(src->width, height);
  resample_vertical(*src, row0, vert, out);
  return out;
}

}  // namespace attnscope
