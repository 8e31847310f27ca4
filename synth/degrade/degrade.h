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

// The axis-aligned box of `box` mapped through the 3x3 homography `h`, clipped to `size`.
cv::Rect transform_box(const cv::Rect& box, const cv::Matx33d& h, const cv::Size& size);

}  // namespace vlmforge::synth
