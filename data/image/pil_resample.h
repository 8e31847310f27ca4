// Resampling that reproduces Pillow's `Image.resize` on 8-bit RGB images bit for bit
// (libImaging/Resample.c): separable convolution (horizontal pass first, except for much
// taller-than-wide reductions, see resize_like_pil), each output pixel's
// filter support scaled by the downscale factor (antialiasing), weights normalised in double
// and then quantised to 22-bit fixed point, and an 8-bit clamp + round after each pass.
// Hugging Face's PIL image processors resize with exactly this, so matching it makes
// vlmforge's pixel_values equal transformers' (see tests/data_pipeline/test_image_reference.cpp).
#pragma once

#include "data/image/decode.h"

namespace vlmforge::image {

// Pillow's Image.Resampling values, which preprocessor_config.json's "resample" stores.
enum class Resample : int {
  kNearest = 0,
  kLanczos = 1,
  kBilinear = 2,
  kBicubic = 3,  // Keys cubic, a = -0.5, support 2
  kBox = 4,
  kHamming = 5,
};

// Throws vlmforge::Error for kNearest (Pillow uses a different, non-convolution path) and for
// out-of-range sizes.
RgbImage resize_like_pil(const RgbImage& src, int out_width, int out_height, Resample filter);

}  // namespace vlmforge::image
