#include "synth/degrade/degrade.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <opencv2/imgproc.hpp>

namespace vlmforge::synth {
namespace {

// Magnitude of an effect in [0, strength] when it fires, else 0.
double draw(const EffectConfig& e, Rng& rng) {
  if (e.probability <= 0 || e.strength <= 0 || !rng.chance(e.probability)) return 0.0;
  return rng.uniform(0.25, 1.0) * e.strength;
}

// Multiplicative shading map (values in 8-bit where 255 = unchanged): paper grain and fibres at
// quarter resolution plus a lighting gradient / shadow, upsampled once.
cv::Mat shading(cv::Size size, double paper, double light, Rng& rng) {
  const cv::Size small(std::max(8, size.width / 4), std::max(8, size.height / 4));
  cv::Mat s(small, CV_32F, cv::Scalar(1.0f));
  if (paper > 0) {
    cv::Mat grain(small, CV_32F);
    cv::RNG cvrng(rng.next());
    cvrng.fill(grain, cv::RNG::NORMAL, 0.0, 1.0);
    cv::GaussianBlur(grain, grain, cv::Size(0, 0), 1.2);
    cv::Mat blotch(cv::Size(12, 16), CV_32F);
    cvrng.fill(blotch, cv::RNG::UNIFORM, -1.0, 1.0);
    cv::resize(blotch, blotch, small, 0, 0, cv::INTER_CUBIC);
    s -= static_cast<float>(paper) * (0.5f * cv::abs(grain) + 0.5f * (blotch + 1.0f) * 0.5f);
  }
  if (light > 0) {
    // Linear falloff in a random direction plus an optional soft shadow band: a function of the
    // position u along the direction only, tabulated (u in [-1, 2], 1/4096 steps).
    const double ang = rng.uniform(0, 2 * CV_PI);
    const double dx = std::cos(ang), dy = std::sin(ang);
    const bool shadow = rng.chance(0.4);
    const double band = rng.uniform(0.2, 0.8), width = rng.uniform(0.05, 0.2);
    constexpr int kSteps = 4096;
    std::vector<float> lut(3 * kSteps + 1);
    for (size_t i = 0; i < lut.size(); ++i) {
      const double u = static_cast<double>(i) / kSteps - 1.0;
      double f = 1.0 - light * std::clamp(u, 0.0, 1.0);
      if (shadow) f -= light * 0.8 * std::exp(-((u - band) / width) * ((u - band) / width));
      lut[i] = static_cast<float>(std::max(0.2, f));
    }
    for (int y = 0; y < small.height; ++y) {
      float* row = s.ptr<float>(y);
      const double uy = (y / double(small.height) - 0.5) * dy + 0.5;
      for (int x = 0; x < small.width; ++x) {
        const double u = (x / double(small.width) - 0.5) * dx + uy;
        row[x] *= lut[static_cast<size_t>(std::lround((u + 1.0) * kSteps))];
      }
    }
  }
  // Upsample in 8 bits: a quarter-resolution float map converted first costs 1/16 of the work.
  cv::Mat small8;
  s.convertTo(small8, CV_8U, 255.0);
  thread_local cv::Mat out;  // page-sized scratch kept per worker: no page faults per document
  cv::resize(small8, out, size, 0, 0, cv::INTER_LINEAR);
  return out;
}

// Side of the square cells in which blank paper is detected, and of the output tiles of the warp.
constexpr int kCell = 16;
constexpr int kTile = 16;

// 1 for every kCell x kCell cell of `img` whose bytes are all 255 (nothing printed), else 0.
cv::Mat blank_cells(const cv::Mat& img) {
  const int cn = img.channels();
  cv::Mat cells((img.rows + kCell - 1) / kCell, (img.cols + kCell - 1) / kCell, CV_8U, cv::Scalar(1));
  for (int y = 0; y < img.rows; ++y) {
    const uint8_t* row = img.ptr<uint8_t>(y);
    uint8_t* blank = cells.ptr<uint8_t>(y / kCell);
    for (int c = 0; c < cells.cols; ++c) {
      if (!blank[c]) continue;
      const int end = std::min(img.cols, (c + 1) * kCell) * cn;
      uint8_t all = 255;
      for (int i = c * kCell * cn; i < end; ++i) all &= row[i];
      blank[c] = all == 255;
    }
  }
  return cells;
}

// Box of the source pixels that bilinear sampling of src at h^-1 (dst pixels of `r`) reads: the
// box of the 4 mapped corners (a homography maps the rectangle to a convex quadrilateral) plus
// the 2x2 interpolation support and one pixel for OpenCV's 1/32-pixel coordinate rounding.
cv::Rect source_footprint(const cv::Matx33d& inv, const cv::Rect& r) {
  double sx0 = 1e18, sy0 = 1e18, sx1 = -1e18, sy1 = -1e18;
  for (const cv::Point2d c : {cv::Point2d(r.x, r.y), cv::Point2d(r.x + r.width - 1, r.y),
                              cv::Point2d(r.x, r.y + r.height - 1), cv::Point2d(r.x + r.width - 1, r.y + r.height - 1)}) {
    const cv::Vec3d p = inv * cv::Vec3d(c.x, c.y, 1.0);
    sx0 = std::min(sx0, p[0] / p[2]), sx1 = std::max(sx1, p[0] / p[2]);
    sy0 = std::min(sy0, p[1] / p[2]), sy1 = std::max(sy1, p[1] / p[2]);
  }
  const int x0 = static_cast<int>(std::floor(sx0)) - 1, y0 = static_cast<int>(std::floor(sy0)) - 1;
  const int x1 = static_cast<int>(std::floor(sx1)) + 3, y1 = static_cast<int>(std::floor(sy1)) + 3;
  return {x0, y0, x1 - x0, y1 - y0};
}

// Gaussian noise source: rows of N(0, 1) * 16 as int8 (clamped at 7.9 sigma), each value repeated
// for the 3 channels (noise is luminance). Built once from a fixed seed with our own Rng, so it
// is the same on every machine; each page row reads a randomly chosen tile row at a random
// offset, so no pattern repeats along a row and rows are independent.
constexpr int kNoiseRows = 256, kNoiseWidth = 2048;
const std::vector<int8_t>& noise_tile() {
  static const std::vector<int8_t> tile = [] {
    std::vector<int8_t> t(static_cast<size_t>(kNoiseRows) * kNoiseWidth * 3);
    Rng rng(0x6E6F697365ULL);
    for (size_t i = 0; i < t.size(); i += 3) {
      const double v = std::clamp(rng.normal() * 16.0, -127.0, 127.0);
      t[i] = t[i + 1] = t[i + 2] = static_cast<int8_t>(std::lround(v));
    }
    return t;
  }();
  return tile;
}

// p = saturate(p * s / 255 + noise * k / 256) over n bytes; s == nullptr: no shading. 16-bit
// arithmetic (k <= 255) so the compiler vectorises it.
void shade_noise_span(uint8_t* p, const uint8_t* s, const int8_t* noise, int k, int n) {
  if (s && noise) {
    for (int i = 0; i < n; ++i) {
      uint16_t v = static_cast<uint16_t>(p[i] * s[i] + 128);
      v = static_cast<uint16_t>((v + (v >> 8)) >> 8);  // exact rounding of p * s / 255
      const int16_t w = static_cast<int16_t>(v + ((noise[i] * static_cast<int16_t>(k) + 128) >> 8));
      p[i] = static_cast<uint8_t>(w < 0 ? 0 : w > 255 ? 255 : w);
    }
  } else if (s) {
    for (int i = 0; i < n; ++i) {
      uint16_t v = static_cast<uint16_t>(p[i] * s[i] + 128);
      p[i] = static_cast<uint8_t>((v + (v >> 8)) >> 8);
    }
  } else {
    for (int i = 0; i < n; ++i) {
      const int16_t w = static_cast<int16_t>(p[i] + ((noise[i] * static_cast<int16_t>(k) + 128) >> 8));
      p[i] = static_cast<uint8_t>(w < 0 ? 0 : w > 255 ? 255 : w);
    }
  }
}

// Paper / lighting shading (multiplicative, `shade` CV_8U, may be empty) and luminance noise of
// std-dev `sigma` levels (0 = none) in one pass over `img` (CV_8UC3, as the noise tile).
void shade_and_noise(cv::Mat& img, const cv::Mat& shade, double sigma, Rng& rng) {
  CV_Assert(img.type() == CV_8UC3);
  constexpr int cn = 3;
  thread_local cv::Mat expanded;  // page-sized scratch kept per worker
  if (!shade.empty()) cv::cvtColor(shade, expanded, cv::COLOR_GRAY2BGR);
  const cv::Mat* shade_cn = shade.empty() ? nullptr : &expanded;
  const std::vector<int8_t>& tile = noise_tile();
  // The tile holds N(0,1) * 16, so k = 16 sigma gives std-dev sigma after >> 8; sigma above 15.9
  // levels is applied in several passes of independent rows (std-devs add in quadrature).
  int passes = sigma > 0 ? 1 : 0;
  while (sigma / std::sqrt(static_cast<double>(passes)) * 16.0 > 255.0) ++passes;
  const int k = passes ? static_cast<int>(std::lround(sigma / std::sqrt(static_cast<double>(passes)) * 16.0)) : 0;
  for (int y = 0; y < img.rows; ++y) {
    uint8_t* p = img.ptr<uint8_t>(y);
    const uint8_t* s = shade_cn ? shade_cn->ptr<uint8_t>(y) : nullptr;
    for (int pass = 0; pass < std::max(1, passes); ++pass) {
      const uint8_t* sp = pass == 0 ? s : nullptr;
      if (!passes) {
        shade_noise_span(p, sp, nullptr, 0, img.cols * cn);
        continue;
      }
      // A random tile row from a random offset, wrapping round the tile width.
      const int8_t* row = tile.data() + static_cast<size_t>(rng.index(kNoiseRows)) * kNoiseWidth * cn;
      int offset = rng.index(kNoiseWidth);
      for (int x = 0; x < img.cols;) {
        const int n = std::min(img.cols - x, kNoiseWidth - offset);
        shade_noise_span(p + x * cn, sp ? sp + x * cn : nullptr, row + offset * cn, k, n * cn);
        x += n, offset = 0;
      }
    }
  }
}

// cv::INTER_AREA weights for a reduction from n_src to n_dst samples with n_src / n_dst in
// [1, 2]: output u averages the source interval [u s, (u + 1) s), at most 3 pixels, weighted by
// overlap, in 1/256 units summing to exactly 256 (indices clamped, their weight 0 past the end).
struct AreaTaps {
  int index[3];
  uint16_t weight[3];
};
std::vector<AreaTaps> area_taps(int n_src, int n_dst) {
  std::vector<AreaTaps> taps(static_cast<size_t>(n_dst));
  const double s = static_cast<double>(n_src) / n_dst;
  for (int u = 0; u < n_dst; ++u) {
    const double a = u * s, b = (u + 1) * s;
    const int x0 = static_cast<int>(std::floor(a));
    AreaTaps& t = taps[static_cast<size_t>(u)];
    int sum = 0, largest = 0;
    for (int k = 0; k < 3; ++k) {
      const int x = x0 + k;
      const double overlap = x < n_src ? std::max(0.0, std::min(b, x + 1.0) - std::max(a, static_cast<double>(x))) : 0.0;
      t.index[k] = std::min(x, n_src - 1);
      t.weight[k] = static_cast<uint16_t>(std::lround(overlap / s * 256));
      sum += t.weight[k];
      if (t.weight[k] > t.weight[largest]) largest = k;
    }
    t.weight[largest] = static_cast<uint16_t>(t.weight[largest] + 256 - sum);
  }
  return taps;
}

}  // namespace

void warp_page(const cv::Mat& src, cv::Mat& dst, const cv::Matx33d& h, cv::Size size, const cv::Scalar& bg) {
  const cv::Matx33d inv = h.inv();
  const bool affine = h(2, 0) == 0 && h(2, 1) == 0 && h(2, 2) == 1;  // rotation / scale only
  const cv::Mat blank = blank_cells(src);
  const cv::Rect page(0, 0, src.cols, src.rows);
  dst.create(size, src.type());
  auto warp_run = [&](const cv::Rect& r) {
    const cv::Rect roi = source_footprint(inv, r) & page;
    cv::Mat out = dst(r);
    if (roi.empty()) {
      out.setTo(bg);
      return;
    }
    // Run pixel (u, v) -> page (r.x + u, r.y + v) -> source h^-1 -> ROI pixel (- roi origin).
    const cv::Matx33d m = cv::Matx33d(1, 0, -roi.x, 0, 1, -roi.y, 0, 0, 1) * inv *
                          cv::Matx33d(1, 0, r.x, 0, 1, r.y, 0, 0, 1);
    if (affine)  // ~1/3 cheaper: no per-pixel division
      cv::warpAffine(src(roi), out, cv::Mat(m.get_minor<2, 3>(0, 0)), r.size(),
                     cv::INTER_LINEAR | cv::WARP_INVERSE_MAP, cv::BORDER_CONSTANT, bg);
    else
      cv::warpPerspective(src(roi), out, cv::Mat(m), r.size(), cv::INTER_LINEAR | cv::WARP_INVERSE_MAP,
                          cv::BORDER_CONSTANT, bg);
  };
  for (int y0 = 0; y0 < size.height; y0 += kTile) {
    const int th = std::min(kTile, size.height - y0);
    int run_x = -1;  // start of the current run of tiles to interpolate
    for (int x0 = 0; x0 < size.width; x0 += kTile) {
      const cv::Rect tile(x0, y0, std::min(kTile, size.width - x0), th);
      const cv::Rect fp = source_footprint(inv, tile);
      const cv::Rect roi = fp & page;
      bool blank_tile = roi == fp;
      for (int cy = roi.y / kCell; blank_tile && cy <= (roi.y + roi.height - 1) / kCell; ++cy) {
        const uint8_t* b = blank.ptr<uint8_t>(cy);
        for (int cx = roi.x / kCell; cx <= (roi.x + roi.width - 1) / kCell; ++cx) blank_tile &= b[cx] != 0;
      }
      if (blank_tile) {
        if (run_x >= 0) warp_run(cv::Rect(run_x, y0, x0 - run_x, th)), run_x = -1;
        for (int y = 0; y < th; ++y) std::memset(dst.ptr<uint8_t>(y0 + y, x0), 255, tile.width * dst.elemSize());
      } else if (run_x < 0) {
        run_x = x0;
      }
    }
    if (run_x >= 0) warp_run(cv::Rect(run_x, y0, size.width - run_x, th));
  }
}

void area_downsample(const cv::Mat& src, cv::Mat& dst, cv::Size size) {
  const double fx = static_cast<double>(src.cols) / size.width, fy = static_cast<double>(src.rows) / size.height;
  if (src.type() != CV_8UC3 || fx < 1 || fx > 2 || fy < 1 || fy > 2) {
    cv::resize(src, dst, size, 0, 0, cv::INTER_AREA);
    return;
  }
  constexpr int cn = 3;
  const std::vector<AreaTaps> tx = area_taps(src.cols, size.width), ty = area_taps(src.rows, size.height);
  // Rows first (whole rows, 16-bit sums: 255 * 256 + 128 fits, vectorised), then columns.
  thread_local cv::Mat rows;  // scratch kept per worker
  rows.create(size.height, src.cols, src.type());
  const int row_bytes = src.cols * cn;
  for (int v = 0; v < size.height; ++v) {
    const AreaTaps& t = ty[static_cast<size_t>(v)];
    const uint8_t *r0 = src.ptr<uint8_t>(t.index[0]), *r1 = src.ptr<uint8_t>(t.index[1]), *r2 = src.ptr<uint8_t>(t.index[2]);
    const uint16_t w0 = t.weight[0], w1 = t.weight[1], w2 = t.weight[2];
    uint8_t* d = rows.ptr<uint8_t>(v);
    for (int i = 0; i < row_bytes; ++i)
      d[i] = static_cast<uint8_t>(static_cast<uint16_t>(r0[i] * w0 + r1[i] * w1 + r2[i] * w2 + 128) >> 8);
  }
  dst.create(size, src.type());
  constexpr int kSpan = 16;  // output pixels per blank-paper check
  for (int v = 0; v < size.height; ++v) {
    const uint8_t* s = rows.ptr<uint8_t>(v);
    uint8_t* d = dst.ptr<uint8_t>(v);
    for (int u0 = 0; u0 < size.width; u0 += kSpan) {
      const int u1 = std::min(size.width, u0 + kSpan);
      // Blank paper averages to blank paper: skip the taps where the span's source is all 255.
      const int from = tx[static_cast<size_t>(u0)].index[0] * cn, to = (tx[static_cast<size_t>(u1 - 1)].index[2] + 1) * cn;
      uint8_t all = 255;
      for (int i = from; i < to; ++i) all &= s[i];
      if (all == 255) {
        std::memset(d + u0 * cn, 255, static_cast<size_t>(u1 - u0) * cn);
        continue;
      }
      for (int u = u0; u < u1; ++u) {
        const AreaTaps& t = tx[static_cast<size_t>(u)];
        const uint8_t *p0 = s + t.index[0] * cn, *p1 = s + t.index[1] * cn, *p2 = s + t.index[2] * cn;
        for (int c = 0; c < cn; ++c)
          d[u * cn + c] = static_cast<uint8_t>((p0[c] * t.weight[0] + p1[c] * t.weight[1] + p2[c] * t.weight[2] + 128) >> 8);
      }
    }
  }
}

cv::Rect transform_box(const cv::Rect& box, const cv::Matx33d& h, const cv::Size& size) {
  double x0 = 1e18, y0 = 1e18, x1 = -1e18, y1 = -1e18;
  const double xs[2] = {double(box.x), double(box.x + box.width)};
  const double ys[2] = {double(box.y), double(box.y + box.height)};
  for (double x : xs)
    for (double y : ys) {
      const cv::Vec3d p = h * cv::Vec3d(x, y, 1.0);
      const double u = p[0] / p[2], v = p[1] / p[2];
      x0 = std::min(x0, u), x1 = std::max(x1, u), y0 = std::min(y0, v), y1 = std::max(y1, v);
    }
  const int ix0 = std::max(0, static_cast<int>(std::floor(x0)));
  const int iy0 = std::max(0, static_cast<int>(std::floor(y0)));
  const int ix1 = std::min(size.width, static_cast<int>(std::ceil(x1)));
  const int iy1 = std::min(size.height, static_cast<int>(std::ceil(y1)));
  if (ix1 <= ix0 || iy1 <= iy0) return {};
  return cv::Rect(ix0, iy0, ix1 - ix0, iy1 - iy0);
}

int degrade(Document& doc, const DegradationConfig& cfg, int base_quality, Rng& rng) {
  // Draw every decision first, in a fixed order, so one effect's setting never shifts another's.
  const double paper = draw(cfg.paper, rng), bleed = draw(cfg.ink_bleed, rng);
  const double rot = draw(cfg.rotation, rng) * (rng.chance(0.5) ? 1 : -1);
  const double persp = draw(cfg.perspective, rng);
  const double light = draw(cfg.lighting, rng), lowres = draw(cfg.low_resolution, rng);
  const double blur = draw(cfg.blur, rng), noise = draw(cfg.noise, rng), jpeg = draw(cfg.jpeg, rng);
  const uint64_t noise_seed = rng.next();
  if (!cfg.enabled) return base_quality;
  cv::Mat& img = doc.image;
  CV_Assert(img.type() == CV_8UC3);
  const cv::Size size = img.size();

  if (bleed > 0) {
    // Ink spreads: a dark (min) filter blended in proportion to the strength.
    const int r = std::max(1, static_cast<int>(std::lround(bleed)));
    thread_local cv::Mat spread;  // page-sized scratch kept per worker
    cv::erode(img, spread, cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * r + 1, 2 * r + 1}));
    cv::addWeighted(img, 0.55, spread, 0.45, 0.0, img);
  }
  if (rot != 0 || persp > 0) {
    // One homography for rotation and perspective; the boxes follow it.
    const cv::Point2f centre(size.width / 2.0f, size.height / 2.0f);
    const cv::Mat r = cv::getRotationMatrix2D(centre, rot, 1.0);
    cv::Matx33d h(r.at<double>(0, 0), r.at<double>(0, 1), r.at<double>(0, 2), r.at<double>(1, 0),
                  r.at<double>(1, 1), r.at<double>(1, 2), 0, 0, 1);
    if (persp > 0) {
      const cv::Point2f src[4] = {{0, 0}, {float(size.width), 0}, {float(size.width), float(size.height)}, {0, float(size.height)}};
      cv::Point2f dst[4];
      for (int i = 0; i < 4; ++i) {
        dst[i] = src[i] + cv::Point2f(static_cast<float>(rng.uniform(-persp, persp) * size.width),
                                      static_cast<float>(rng.uniform(-persp, persp) * size.height));
        // Corners move inwards only, so the page does not leave the frame.
        dst[i].x = i == 0 || i == 3 ? std::abs(dst[i].x) : size.width - std::abs(size.width - dst[i].x);
        dst[i].y = i < 2 ? std::abs(dst[i].y) : size.height - std::abs(size.height - dst[i].y);
      }
      const cv::Mat p = cv::getPerspectiveTransform(src, dst);
      h = cv::Matx33d(p) * h;
    }
    const int bg = static_cast<int>(rng.range(40, 200));
    cv::Mat warped;
    warp_page(img, warped, h, size, cv::Scalar(bg, bg, bg + 10));
    img = warped;
    for (auto& reg : doc.regions) reg.box = transform_box(reg.box, h, size);
  }
  if (lowres > 0) {
    // Area reduction (a low-resolution sensor integrates over its pixels), then back up.
    const double f = 1.0 - std::min(0.8, lowres);
    const cv::Size small(std::max(1, static_cast<int>(std::lround(size.width * f))),
                         std::max(1, static_cast<int>(std::lround(size.height * f))));
    thread_local cv::Mat low;  // scratch kept per worker
    area_downsample(img, low, small);
    cv::Mat restored;
    cv::resize(low, restored, size, 0, 0, cv::INTER_LINEAR);
    img = restored;
  }
  if (blur > 0.2) cv::GaussianBlur(img, img, cv::Size(0, 0), blur);
  // Shading after the blur: it is smooth (quarter-resolution map), so the order makes no
  // visible difference, and it shares one pass over the page with the noise.
  if (paper > 0 || light > 0 || noise > 0) {
    const cv::Mat s = paper > 0 || light > 0 ? shading(size, paper, light, rng) : cv::Mat();
    Rng noise_rng(noise_seed);
    shade_and_noise(img, s, noise, noise_rng);
  }
  // Regions squeezed out of the frame by the geometry are dropped.
  doc.regions.erase(std::remove_if(doc.regions.begin(), doc.regions.end(),
                                   [](const Region& r) { return r.box.empty(); }),
                    doc.regions.end());
  return std::max(10, base_quality - static_cast<int>(std::lround(jpeg)));
}

}  // namespace vlmforge::synth
