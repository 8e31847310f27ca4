// Degradation against independent references: the blank-skipping warp equals OpenCV's full-frame
// cv::warpPerspective (cv::warpAffine for affine maps) on real rendered pages (colour and grey,
// page-size and low-resolution grids), and the tiled luminance noise has the configured std-dev, zero mean, equal channels
// and no correlation between neighbouring pixels. The direct libjpeg encoder writes the same bytes
// as cv::imencode.
#include <gtest/gtest.h>

#include <cmath>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "synth/degrade/degrade.h"
#include "synth/generator.h"
#include "synth/jpeg.h"

using namespace vlmforge::synth;

namespace {

// Rotation about the centre by `deg` then a perspective pull of the corners by `k` * size.
cv::Matx33d page_homography(cv::Size size, double deg, double k) {
  const cv::Mat r = cv::getRotationMatrix2D(cv::Point2f(size.width / 2.0f, size.height / 2.0f), deg, 1.0);
  const cv::Matx33d rot(r.at<double>(0, 0), r.at<double>(0, 1), r.at<double>(0, 2), r.at<double>(1, 0),
                        r.at<double>(1, 1), r.at<double>(1, 2), 0, 0, 1);
  const float w = static_cast<float>(size.width), h = static_cast<float>(size.height);
  const cv::Point2f src[4] = {{0, 0}, {w, 0}, {w, h}, {0, h}};
  const cv::Point2f dst[4] = {{float(k * w), float(0.5 * k * h)}, {float(w - 0.3 * k * w), 0},
                              {w, float(h - k * h)}, {float(0.7 * k * w), h}};
  return cv::Matx33d(cv::getPerspectiveTransform(src, dst)) * rot;
}

void expect_same_as_opencv(const cv::Mat& page, const cv::Matx33d& h, cv::Size size) {
  const cv::Scalar bg(90, 90, 100);
  cv::Mat ours, ref;
  warp_page(page, ours, h, size, bg);
  if (h(2, 0) == 0 && h(2, 1) == 0 && h(2, 2) == 1)
    cv::warpAffine(page, ref, cv::Mat(h.get_minor<2, 3>(0, 0)), size, cv::INTER_LINEAR, cv::BORDER_CONSTANT, bg);
  else
    cv::warpPerspective(page, ref, cv::Mat(h), size, cv::INTER_LINEAR, cv::BORDER_CONSTANT, bg);
  ASSERT_EQ(ours.size(), ref.size());
  ASSERT_EQ(ours.type(), ref.type());
  cv::Mat diff;
  cv::absdiff(ours, ref, diff);
  double max_diff = 0;
  cv::minMaxLoc(diff.reshape(1), nullptr, &max_diff);
  // Run-local coordinates round to OpenCV's 1/32-pixel grid a hair differently from the
  // full-frame ones in rare pixels. warpPerspective computes each pixel's coordinates in double:
  // one level at most. warpAffine accumulates fixed-point increments along the row, so a rare
  // pixel lands on the neighbouring 1/32 step: at most 255/32 = 8 levels at a black/white edge.
  const bool affine = h(2, 0) == 0 && h(2, 1) == 0 && h(2, 2) == 1;
  EXPECT_LE(max_diff, affine ? 8.0 : 1.0);
  EXPECT_LT(cv::countNonZero(diff.reshape(1)), static_cast<int>(diff.total() * diff.channels() / 1000));
}

}  // namespace

TEST(SynthDegrade, WarpEqualsOpenCvWarpPerspective) {
  SynthConfig cfg;
  TextRenderer renderer;
  for (const char* type : {"invoice", "act", "receipt"}) {
    SCOPED_TRACE(type);
    const Document d = render_document(cfg, type, 0, 11, renderer);
    const cv::Size size = d.image.size();
    expect_same_as_opencv(d.image, page_homography(size, 1.4, 0.03), size);
    // Affine (rotation only, exact last row 0 0 1 as degrade() builds it): the warpAffine path.
    const cv::Mat r = cv::getRotationMatrix2D(cv::Point2f(size.width / 2.0f, size.height / 2.0f), -0.6, 1.0);
    expect_same_as_opencv(d.image, cv::Matx33d(r.at<double>(0, 0), r.at<double>(0, 1), r.at<double>(0, 2),
                                               r.at<double>(1, 0), r.at<double>(1, 1), r.at<double>(1, 2), 0, 0, 1),
                          size);
    // Grey page; a grid at 0.6 of the page (low resolution: scale folded into the homography).
    cv::Mat grey;
    cv::cvtColor(d.image, grey, cv::COLOR_BGR2GRAY);
    expect_same_as_opencv(grey, page_homography(size, 0.9, 0.02), size);
    const cv::Matx33d down(0.6, 0, -0.2, 0, 0.6, -0.2, 0, 0, 1);
    expect_same_as_opencv(d.image, down * page_homography(size, 1.0, 0.01),
                          cv::Size(size.width * 6 / 10, size.height * 6 / 10));
    // Strong rotation: part of the frame has no page behind it (background colour).
    expect_same_as_opencv(d.image, page_homography(size, 25.0, 0.05), size);
  }
}

TEST(SynthDegrade, AreaDownsampleEqualsOpenCvInterArea) {
  SynthConfig cfg;
  TextRenderer renderer;
  const Document d = render_document(cfg, "waybill", 0, 13, renderer);
  cv::Mat page;  // rotated, so there are background wedges as well as blank paper and print
  warp_page(d.image, page, page_homography(d.image.size(), 1.1, 0.02), d.image.size(), cv::Scalar(90, 90, 100));
  for (const double f : {0.5, 0.55, 0.62, 0.75, 0.875, 0.95, 0.3}) {  // 0.3: cv::resize fallback
    SCOPED_TRACE(f);
    const cv::Size small(static_cast<int>(std::lround(page.cols * f)), static_cast<int>(std::lround(page.rows * f)));
    cv::Mat ours, ref, diff;
    area_downsample(page, ours, small);
    cv::resize(page, ref, small, 0, 0, cv::INTER_AREA);
    ASSERT_EQ(ours.size(), ref.size());
    cv::absdiff(ours, ref, diff);
    double max_diff = 0;
    cv::minMaxLoc(diff.reshape(1), nullptr, &max_diff);
    EXPECT_LE(max_diff, 2.0);  // weights rounded to 1/256 vs OpenCV's float weights
    EXPECT_LT(cv::mean(diff.reshape(1))[0], 0.3);
  }
}

TEST(SynthDegrade, LowResolutionKeepsInkAndPosition) {
  // 1-pixel horizontal rules one every 7 rows and 3x3 dots on a white page: after down- and
  // up-sampling every rule keeps its ink (sum of 255 - level along its neighbourhood) and the
  // dots their place.
  const cv::Size size(1240, 1754);
  cv::Mat page(size, CV_8UC3, cv::Scalar::all(255));
  std::vector<int> rules;
  for (int y = 40; y < 600; y += 7) rules.push_back(y), page.row(y).colRange(100, 1100).setTo(cv::Scalar::all(0));
  std::vector<cv::Point> dots;
  for (int y = 700; y < 1700; y += 97)
    for (int x = 100; x < 1200; x += 89) dots.emplace_back(x + 1, y + 1), cv::rectangle(page, cv::Rect(x, y, 3, 3), cv::Scalar::all(0), -1);
  for (const uint64_t seed : {1, 2, 3, 4}) {
    SCOPED_TRACE(seed);
    DegradationConfig cfg;
    for (EffectConfig* e : {&cfg.rotation, &cfg.perspective, &cfg.blur, &cfg.noise, &cfg.jpeg, &cfg.lighting, &cfg.paper,
                            &cfg.ink_bleed})
      e->probability = 0.0;
    cfg.low_resolution = {1.0, 0.5};  // the default strength: linear factor 0.5 .. 0.875
    Document d;
    d.image = page.clone();
    Rng rng(seed);
    degrade(d, cfg, 90, rng);
    cv::Mat grey, ink;
    cv::cvtColor(d.image, grey, cv::COLOR_BGR2GRAY);
    cv::subtract(cv::Scalar(255), grey, ink, cv::noArray(), CV_64F);
    for (const int y : rules) {
      // +-3 rows: the rule's own band (rules are 7 rows apart).
      const double mass = cv::sum(ink(cv::Rect(200, y - 3, 800, 7)))[0] / (800 * 255.0);
      // Area reduction + bilinear enlargement keeps a rule's ink within ~12% at every phase of
      // the grid; bilinear reduction alone would leave 30% to 190%.
      EXPECT_NEAR(mass, 1.0, 0.15) << "rule at y " << y;
    }
    // Each dot's centroid stays within a third of a pixel (the phase of the coarse grid moves
    // ink within a coarse pixel); no systematic shift on average.
    cv::Point2d mean_shift(0, 0);
    for (const cv::Point& p : dots) {
      const cv::Moments m = cv::moments(ink(cv::Rect(p.x - 7, p.y - 7, 15, 15)));
      const cv::Point2d shift(m.m10 / m.m00 - 7, m.m01 / m.m00 - 7);
      EXPECT_LT(std::abs(shift.x), 0.35) << p;
      EXPECT_LT(std::abs(shift.y), 0.35) << p;
      mean_shift += shift * (1.0 / static_cast<double>(dots.size()));
    }
    EXPECT_LT(std::abs(mean_shift.x), 0.05);
    EXPECT_LT(std::abs(mean_shift.y), 0.05);
  }
}

TEST(SynthDegrade, NoiseHasConfiguredStatistics) {
  for (const double sigma : {4.0, 8.0, 24.0}) {
    SCOPED_TRACE(sigma);
    DegradationConfig cfg;
    for (EffectConfig* e : {&cfg.rotation, &cfg.perspective, &cfg.blur, &cfg.jpeg, &cfg.lighting, &cfg.paper,
                            &cfg.ink_bleed, &cfg.low_resolution})
      e->probability = 0.0;
    cfg.noise = {1.0, sigma};
    // Mid-grey page, so (almost) no clipping. degrade() draws the magnitude in [0.25, 1] *
    // strength; with only noise enabled its draws are: rotation sign (chance 0.5), noise chance,
    // noise magnitude, so the magnitude is recovered from the same seed. For the 24-level case a
    // seed with a magnitude above 16 levels is taken (the multi-pass path).
    uint64_t seed = 5;
    double drawn = 0;
    for (;; ++seed) {
      Rng r(seed);
      (void)r.uniform();
      (void)r.uniform();
      drawn = r.uniform(0.25, 1.0) * sigma;
      if (sigma < 20 || drawn > 16) break;
    }
    Document d;
    d.image = cv::Mat(700, 900, CV_8UC3, cv::Scalar(128, 128, 128));
    Rng rng(seed);
    degrade(d, cfg, 90, rng);
    std::vector<cv::Mat> ch;
    cv::split(d.image, ch);
    cv::Mat diff;
    cv::absdiff(ch[0], ch[1], diff);
    EXPECT_EQ(cv::countNonZero(diff), 0) << "noise is luminance: equal in the 3 channels";
    cv::absdiff(ch[0], ch[2], diff);
    EXPECT_EQ(cv::countNonZero(diff), 0);
    cv::Mat f;
    ch[0].convertTo(f, CV_64F, 1.0, -128.0);
    cv::Scalar mean, sd;
    cv::meanStdDev(f, mean, sd);
    EXPECT_NEAR(mean[0], 0.0, 0.05 * drawn);
    EXPECT_NEAR(sd[0], drawn, 0.03 * drawn + 0.3);  // +0.3: rounding to whole levels
    // Lag-1 correlation along rows and down columns.
    const cv::Mat a = f(cv::Rect(0, 0, f.cols - 1, f.rows)), b = f(cv::Rect(1, 0, f.cols - 1, f.rows));
    const cv::Mat c = f(cv::Rect(0, 0, f.cols, f.rows - 1)), e = f(cv::Rect(0, 1, f.cols, f.rows - 1));
    const double var = sd[0] * sd[0];
    EXPECT_LT(std::abs(cv::mean(a.mul(b))[0] / var), 0.02);
    EXPECT_LT(std::abs(cv::mean(c.mul(e))[0] / var), 0.02);
  }
}

TEST(SynthJpeg, SameBytesAsOpenCvImencode) {
  SynthConfig cfg;
  TextRenderer renderer;
  const GeneratedDoc g = generate_document(cfg, 3, renderer, false);  // degraded page
  cv::Mat grey;
  cv::cvtColor(g.doc.image, grey, cv::COLOR_BGR2GRAY);
  for (const cv::Mat& img : {g.doc.image, grey})
    for (const int q : {92, 47, 100}) {
      std::vector<uint8_t> ref;
      ASSERT_TRUE(cv::imencode(".jpg", img, ref, {cv::IMWRITE_JPEG_QUALITY, q}));
      EXPECT_TRUE(encode_jpeg(img, q) == ref) << "channels " << img.channels() << " quality " << q;
    }
}
