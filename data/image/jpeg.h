// JPEG decoding through libjpeg-turbo, the library Pillow uses, with Pillow's defaults
// (islow IDCT, fancy upsampling), so decoded pixels equal PIL's `Image.open(...).convert("RGB")`
// bit for bit (stb_image's IDCT/upsampling differ by a few levels).
#pragma once

#include <string>
#include <string_view>

#include "data/image/decode.h"

namespace vlmforge::image {

bool is_jpeg(std::string_view bytes);
// Throws vlmforge::Error naming `name` for corrupt, truncated or CMYK/YCCK files.
RgbImage decode_jpeg(std::string_view bytes, const std::string& name);

}  // namespace vlmforge::image
