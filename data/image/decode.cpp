#include "data/image/decode.h"

#include <climits>
#include <cstring>
#include <memory>

#include <stb_image.h>
#include <webp/decode.h>

#include "data/image/jpeg.h"
#include "models/core/error.h"
#include "models/core/fs.h"

namespace vlmforge::image {
namespace {

bool is_webp(std::string_view b) {
  return b.size() >= 12 && b.compare(0, 4, "RIFF") == 0 && b.compare(8, 4, "WEBP") == 0;
}

// stb_image's failure reason is thread-local in v2.27, so concurrent loader workers each see
// their own message.
RgbImage decode_with_stb(std::string_view bytes, const std::string& name) {
  if (bytes.size() > static_cast<size_t>(INT_MAX))
    throw Error("image file too large to decode (" + std::to_string(bytes.size()) + " bytes)", name);
  int w = 0, h = 0, channels_in_file = 0;
  // req_comp = 3: stb replicates grey, drops alpha and expands palettes, as PIL's convert("RGB").
  std::unique_ptr<stbi_uc, void (*)(void*)> pixels(
      stbi_load_from_memory(reinterpret_cast<const stbi_uc*>(bytes.data()),
                            static_cast<int>(bytes.size()), &w, &h, &channels_in_file, 3),
      stbi_image_free);
  if (!pixels) {
    const char* why = stbi_failure_reason();
    throw Error(std::string("cannot decode image: ") + (why ? why : "unknown format"), name,
                "expected a JPEG, PNG, BMP, GIF or WebP file; re-encode the image or drop the sample");
  }
  RgbImage img;
  img.width = w;
  img.height = h;
  img.rgb.assign(pixels.get(), pixels.get() + static_cast<size_t>(w) * h * 3);
  return img;
}

// libwebp's MODE_RGB output ignores an alpha plane, as PIL's convert("RGB") does.
RgbImage decode_with_webp(std::string_view bytes, const std::string& name) {
  const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
  int w = 0, h = 0;
  std::unique_ptr<uint8_t, void (*)(void*)> pixels(WebPDecodeRGB(data, bytes.size(), &w, &h), WebPFree);
  if (!pixels)
    throw Error("cannot decode image: corrupt or unsupported WebP", name,
                "re-encode the image or drop the sample");
  RgbImage img;
  img.width = w;
  img.height = h;
  img.rgb.assign(pixels.get(), pixels.get() + static_cast<size_t>(w) * h * 3);
  return img;
}

}  // namespace

RgbImage decode_image(std::string_view bytes, const std::string& name) {
  if (bytes.empty()) throw Error("image file is empty", name);
  if (is_webp(bytes)) return decode_with_webp(bytes, name);
  if (is_jpeg(bytes)) return decode_jpeg(bytes, name);
  return decode_with_stb(bytes, name);
}

RgbImage load_image(const std::string& path) {
  std::string bytes;
  try {
    bytes = read_file(path);
  } catch (const Error& e) {
    throw Error("cannot read image: " + e.what_part(), path,
                "check the dataset's image paths (relative to the dataset folder)");
  }
  return decode_image(bytes, path);
}

}  // namespace vlmforge::image
