#include "data/image/pil_resample.h"

#include <cmath>
#include <cstdint>
#include <vector>

#include "models/core/error.h"

namespace vlmforge::image {
namespace {

// Pillow: PRECISION_BITS = 32 - 8 - 2, so an 8-bit value times a weight sum of 1.0 leaves two
// bits of headroom in an int32 accumulator for negative-lobe overshoot.
constexpr int kPrecisionBits = 32 - 8 - 2;

double sinc(double x) {
  if (x == 0.0) return 1.0;
  x *= M_PI;
  return std::sin(x) / x;
}

struct Filter {
  double (*weight)(double);
  double support;
};

double box_filter(double x) { return (x > -0.5 && x <= 0.5) ? 1.0 : 0.0; }
double bilinear_filter(double x) {
  x = std::fabs(x);
  return x < 1.0 ? 1.0 - x : 0.0;
}
double hamming_filter(double x) {
  x = std::fabs(x);
  if (x == 0.0) return 1.0;
  if (x >= 1.0) return 0.0;
  x *= M_PI;
  return std::sin(x) / x * (0.54 + 0.46 * std::cos(x));
}
double bicubic_filter(double x) {
  constexpr double a = -0.5;
  x = std::fabs(x);
  if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0;
  if (x < 2.0) return (((x - 5.0) * x + 8.0) * x - 4.0) * a;
  return 0.0;
}
double lanczos_filter(double x) { return (-3.0 <= x && x < 3.0) ? sinc(x) * sinc(x / 3.0) : 0.0; }

Filter filter_of(Resample r) {
  switch (r) {
    case Resample::kBox: return {box_filter, 0.5};
    case Resample::kBilinear: return {bilinear_filter, 1.0};
    case Resample::kHamming: return {hamming_filter, 1.0};
    case Resample::kBicubic: return {bicubic_filter, 2.0};
    case Resample::kLanczos: return {lanczos_filter, 3.0};
    case Resample::kNearest: break;
  }
  throw Error("nearest-neighbour resampling is not supported", "resample=0",
              "use 2 (bilinear) or 3 (bicubic) in preprocessor_config.json");
}

// For each output position: the first input index, the number of taps and the fixed-point
// weights (ksize per output, zero-padded), as Pillow's precompute_coeffs +
// normalize_coeffs_8bpc.
struct Coeffs {
  int ksize = 0;
  std::vector<int> first, count;
  std::vector<int32_t> weights;  // [out_size, ksize]
};

Coeffs precompute(int in_size, int out_size, const Filter& f) {
  const double scale = static_cast<double>(in_size) / out_size;
  const double filterscale = scale < 1.0 ? 1.0 : scale;
  const double support = f.support * filterscale;
  Coeffs c;
  c.ksize = static_cast<int>(std::ceil(support)) * 2 + 1;
  c.first.resize(out_size);
  c.count.resize(out_size);
  c.weights.assign(static_cast<size_t>(out_size) * c.ksize, 0);
  std::vector<double> k(c.ksize);
  for (int xx = 0; xx < out_size; ++xx) {
    const double center = (xx + 0.5) * scale;
    const double ss = 1.0 / filterscale;
    int xmin = static_cast<int>(center - support + 0.5);  // truncation, as Pillow's (int) cast
    if (xmin < 0) xmin = 0;
    int xmax = static_cast<int>(center + support + 0.5);
    if (xmax > in_size) xmax = in_size;
    xmax -= xmin;
    double ww = 0.0;
    for (int x = 0; x < xmax; ++x) {
      k[x] = f.weight((x + xmin - center + 0.5) * ss);
      ww += k[x];
    }
    int32_t* out = &c.weights[static_cast<size_t>(xx) * c.ksize];
    for (int x = 0; x < xmax; ++x) {
      const double w = ww != 0.0 ? k[x] / ww : k[x];
      const double fixed = w * (1 << kPrecisionBits);
      out[x] = static_cast<int32_t>(w < 0 ? -0.5 + fixed : 0.5 + fixed);
    }
    c.first[xx] = xmin;
    c.count[xx] = xmax;
  }
  return c;
}

inline uint8_t clip8(int32_t acc) {
  if (acc >= (1 << kPrecisionBits << 8)) return 255;
  if (acc <= 0) return 0;
  return static_cast<uint8_t>(acc >> kPrecisionBits);
}

// Rows [row0, row0 + out.height) of `in`, resampled along x.
void horizontal_pass(const RgbImage& in, int row0, const Coeffs& c, RgbImage& out) {
  for (int y = 0; y < out.height; ++y) {
    const uint8_t* src = &in.rgb[static_cast<size_t>(y + row0) * in.width * 3];
    uint8_t* dst = &out.rgb[static_cast<size_t>(y) * out.width * 3];
    for (int x = 0; x < out.width; ++x) {
      const int32_t* k = &c.weights[static_cast<size_t>(x) * c.ksize];
      const uint8_t* p = src + static_cast<size_t>(c.first[x]) * 3;
      int32_t s0 = 1 << (kPrecisionBits - 1), s1 = s0, s2 = s0;  // +0.5 for rounding
      for (int i = 0; i < c.count[x]; ++i, p += 3) {
        s0 += p[0] * k[i];
        s1 += p[1] * k[i];
        s2 += p[2] * k[i];
      }
      dst[3 * x + 0] = clip8(s0);
      dst[3 * x + 1] = clip8(s1);
      dst[3 * x + 2] = clip8(s2);
    }
  }
}

// `first` indices of `c` are relative to `in`'s first row.
void vertical_pass(const RgbImage& in, const Coeffs& c, RgbImage& out) {
  const size_t stride = static_cast<size_t>(in.width) * 3;
  for (int y = 0; y < out.height; ++y) {
    const int32_t* k = &c.weights[static_cast<size_t>(y) * c.ksize];
    const uint8_t* col0 = &in.rgb[static_cast<size_t>(c.first[y]) * stride];
    uint8_t* dst = &out.rgb[static_cast<size_t>(y) * out.width * 3];
    for (size_t x = 0; x < stride; ++x) {
      int32_t s = 1 << (kPrecisionBits - 1);
      const uint8_t* p = col0 + x;
      for (int i = 0; i < c.count[y]; ++i, p += stride) s += *p * k[i];
      dst[x] = clip8(s);
    }
  }
}

}  // namespace

RgbImage resize_like_pil(const RgbImage& src, int out_width, int out_height, Resample filter) {
  if (out_width <= 0 || out_height <= 0 || src.width <= 0 || src.height <= 0)
    throw Error("cannot resize a " + std::to_string(src.width) + "x" + std::to_string(src.height) +
                " image to " + std::to_string(out_width) + "x" + std::to_string(out_height));
  const Filter f = filter_of(filter);
  if (out_width == src.width && out_height == src.height) return src;  // Pillow returns a copy

  Coeffs horiz = precompute(src.width, out_width, f);
  Coeffs vert = precompute(src.height, out_height, f);
  const bool need_h = out_width != src.width;
  const bool need_v = out_height != src.height;

  // Pillow >= 13 runs the vertical pass first when the height shrinks by more than twice as
  // many pixels as the width (python-pillow/Pillow#9549); the 8-bit rounding between passes
  // makes the order visible in the output, so it is reproduced. Checked against Pillow 13 on
  // random sizes: (in_h - out_h) > 2 * (in_w - out_w) with in_h > out_h.
  const bool vertical_first = need_h && need_v && src.height > out_height &&
                              (src.height - out_height) > 2 * (src.width - out_width);
  RgbImage out;
  if (vertical_first) {
    RgbImage tmp;
    tmp.width = src.width;
    tmp.height = out_height;
    tmp.rgb.resize(static_cast<size_t>(tmp.width) * tmp.height * 3);
    vertical_pass(src, vert, tmp);
    out.width = out_width;
    out.height = out_height;
    out.rgb.resize(static_cast<size_t>(out_width) * out_height * 3);
    horizontal_pass(tmp, 0, horiz, out);
    return out;
  }

  RgbImage tmp;
  const RgbImage* cur = &src;
  if (need_h) {
    // Only the rows the vertical pass reads are resampled horizontally.
    const int row_first = vert.first.front();
    const int row_last = vert.first.back() + vert.count.back();
    for (int& f0 : vert.first) f0 -= row_first;
    tmp.width = out_width;
    tmp.height = need_v ? row_last - row_first : src.height;
    tmp.rgb.resize(static_cast<size_t>(tmp.width) * tmp.height * 3);
    horizontal_pass(src, need_v ? row_first : 0, horiz, tmp);
    cur = &tmp;
  }
  if (!need_v) return tmp;
  out.width = out_width;
  out.height = out_height;
  out.rgb.resize(static_cast<size_t>(out_width) * out_height * 3);
  vertical_pass(*cur, vert, out);
  return out;
}

}  // namespace vlmforge::image
