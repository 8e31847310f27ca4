// Image decoding for the trainer: PNG / BMP / GIF (first frame) through stb_image, JPEG through
// libjpeg-turbo (as Pillow; data/image/jpeg.h), WebP through libwebp. Every image becomes 8-bit
// RGB, the way Hugging Face image processors see it after PIL's `image.convert("RGB")`: grey is replicated, an alpha channel is dropped (not
// composited), palettes are expanded. No EXIF rotation (transformers applies none either).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vlmforge::image {

// Interleaved 8-bit RGB, row-major: pixel (y, x) channel c is rgb[(y * width + x) * 3 + c].
struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> rgb;
};

// Decodes an encoded image held in memory. `name` (file path or tar member) is only used in
// errors: a corrupt or unsupported image throws vlmforge::Error naming it.
RgbImage decode_image(std::string_view bytes, const std::string& name);

// Reads and decodes a file; a missing file throws vlmforge::Error naming the path.
RgbImage load_image(const std::string& path);

}  // namespace vlmforge::image
