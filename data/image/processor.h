// Image preprocessing equal to Hugging Face's PIL-backend image processors for square-resize
// encoders (SiglipImageProcessor): convert to RGB, resize to height x width with Pillow's
// filter (bicubic for SigLIP), rescale by 1/255, normalise (x - mean) / std per channel.
// Arithmetic follows transformers' numpy path: uint8 -> float64 * rescale_factor -> float32,
// then (x - mean) / std in float32, so values are bitwise equal when the resize is.
#pragma once

#include <array>
#include <string>

#include <torch/torch.h>

#include "data/image/decode.h"
#include "data/image/pil_resample.h"

namespace vlmforge::image {

struct ImageProcessorConfig {
  int height = 384;
  int width = 384;
  Resample resample = Resample::kBicubic;
  bool do_resize = true;
  bool do_rescale = true;
  double rescale_factor = 1.0 / 255.0;
  bool do_normalize = true;
  std::array<float, 3> image_mean{0.5f, 0.5f, 0.5f};
  std::array<float, 3> image_std{0.5f, 0.5f, 0.5f};

  // SigLIP's processor (google/siglip-*): bicubic to size x size, mean = std = 0.5.
  static ImageProcessorConfig siglip(int size);
  // Reads a Hugging Face preprocessor_config.json (keys size.{height,width}, resample,
  // do_resize, do_rescale, rescale_factor, do_normalize, image_mean, image_std); missing keys
  // keep SigLIP's defaults. Errors name the file and key.
  static ImageProcessorConfig from_preprocessor_config(const std::string& path);
};

class ImageProcessor {
 public:
  explicit ImageProcessor(ImageProcessorConfig cfg);

  const ImageProcessorConfig& config() const { return cfg_; }

  // [3, height, width] float32 (contiguous, CPU). Thread-safe.
  torch::Tensor operator()(const RgbImage& img) const;
  // Resizes only (uint8 RGB), e.g. for previews or to cache resized images.
  RgbImage resize(const RgbImage& img) const;

 private:
  ImageProcessorConfig cfg_;
  std::array<std::array<float, 256>, 3> lut_;  // uint8 value -> normalised float, per channel
};

}  // namespace vlmforge::image
