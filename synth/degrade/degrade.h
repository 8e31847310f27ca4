// Scan / photo degradation of a rendered page. Every effect is drawn with its configured
// probability and a magnitude in [0, strength]; geometric effects (rotation, perspective) are one
// homography applied to the image and to every region box (the box of the four transformed
// corners), so boxes stay true in the stored image.
#pragma once

#include <opencv2/core.hpp>

#include "synth/config.h"
#include "synth/docs/document.h"
#include "synth/rng.h"

namespace vlmforge::synth {

// Degrades doc.image in place and moves doc.regions with it. Returns the JPEG quality to store
// the image with (cfg.jpeg effect lowers `base_quality`).
int degrade(Document& doc, const DegradationConfig& cfg, int base_quality, Rng& rng);

// dst = src warped by the homography `h` (dst(p) = src(h^-1 p)), bilinear, `bg` where the source
// is outside the page; the result of cv::warpPerspective(INTER_LINEAR, BORDER_CONSTANT) up to its
// 1/32-pixel coordinate rounding, computed only where the page has print: each 16x16 output tile
// whose source footprint is blank paper (all bytes 255) is filled with 255, each run of other
// tiles along a tile row is one warpPerspective call (warpAffine when `h` is affine: its
// fixed-point coordinates may differ from warpPerspective's by a level in rare pixels).
// `src` CV_8UC1 or CV_8UC3.
void warp_page(const cv::Mat& src, cv::Mat& dst, const cv::Matx33d& h, cv::Size size, const cv::Scalar& bg);

// dst = cv::resize(src, size, INTER_AREA) to within 2 levels (weights in 1/256 units), for
// CV_8UC3 reductions by factors 1..2 per axis (the low-resolution effect's range); spans of
// output whose source is blank paper (all 255) are filled without averaging. Other cases call
// cv::resize.
void area_downsample(const cv::Mat& src, cv::Mat& dst, cv::Size size);

// The axis-aligned box of `box` mapped through the 3x3 homography `h`, clipped to `size`.
cv::Rect transform_box(const cv::Rect& box, const cv::Matx33d& h, const cv::Size& size);

}  // namespace vlmforge::synth
