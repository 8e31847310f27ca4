#include "synth/degrade/degrade.h"

#include <algorithm>
#include <cmath>
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
    // Linear falloff in a random direction plus an optional soft shadow band.
    const double ang = rng.uniform(0, 2 * CV_PI);
    const double dx = std::cos(ang), dy = std::sin(ang);
    const bool shadow = rng.chance(0.4);
    const double band = rng.uniform(0.2, 0.8), width = rng.uniform(0.05, 0.2);
    for (int y = 0; y < small.height; ++y) {
      float* row = s.ptr<float>(y);
      for (int x = 0; x < small.width; ++x) {
        const double u = (x / double(small.width) - 0.5) * dx + (y / double(small.height) - 0.5) * dy + 0.5;
        double f = 1.0 - light * std::clamp(u, 0.0, 1.0);
        if (shadow) f -= light * 0.8 * std::exp(-std::pow((u - band) / width, 2));
        row[x] *= static_cast<float>(std::max(0.2, f));
      }
    }
  }
  // Upsample in 8 bits: a quarter-resolution float map converted first costs 1/16 of the work.
  cv::Mat small8, out;
  s.convertTo(small8, CV_8U, 255.0);
  cv::resize(small8, out, size, 0, 0, cv::INTER_LINEAR);
  return out;
}

}  // namespace

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
  const cv::Size size = img.size();

  if (bleed > 0) {
    // Ink spreads: a dark (min) filter blended in proportion to the strength.
    const int r = std::max(1, static_cast<int>(std::lround(bleed)));
    cv::Mat spread;
    cv::erode(img, spread, cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * r + 1, 2 * r + 1}));
    cv::addWeighted(img, 0.55, spread, 0.45, 0.0, img);
  }
  if (rot != 0 || persp > 0) {
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
    cv::warpPerspective(img, warped, cv::Mat(h), size, cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                        cv::Scalar(bg, bg, bg + 10));
    img = warped;
    for (auto& reg : doc.regions) reg.box = transform_box(reg.box, h, size);
  }
  if (paper > 0 || light > 0) {
    const cv::Mat s = shading(size, paper, light, rng);
    cv::Mat s3;
    cv::cvtColor(s, s3, cv::COLOR_GRAY2BGR);
    cv::multiply(img, s3, img, 1.0 / 255.0);
  }
  if (lowres > 0) {
    const double f = 1.0 - std::min(0.8, lowres);
    cv::Mat small;
    cv::resize(img, small, cv::Size(), f, f, cv::INTER_AREA);
    cv::resize(small, img, size, 0, 0, cv::INTER_LINEAR);
  }
  if (blur > 0.2) cv::GaussianBlur(img, img, cv::Size(0, 0), blur);
  if (noise > 0) {
    // Luminance noise (one draw per pixel, shared by the channels): a third of the random draws
    // of per-channel noise, and scanner / phone noise is mostly luminance anyway.
    cv::Mat n(size, CV_8U), n3;
    cv::RNG cvrng(noise_seed);
    cvrng.fill(n, cv::RNG::NORMAL, 128.0, noise);
    cv::cvtColor(n, n3, cv::COLOR_GRAY2BGR);
    cv::addWeighted(img, 1.0, n3, 1.0, -128.0, img);
  }
  // Regions squeezed out of the frame by the geometry are dropped.
  doc.regions.erase(std::remove_if(doc.regions.begin(), doc.regions.end(),
                                   [](const Region& r) { return r.box.empty(); }),
                    doc.regions.end());
  return std::max(10, base_quality - static_cast<int>(std::lround(jpeg)));
}

}  // namespace vlmforge::synth
