#include "tests/data_pipeline/helpers.h"

#include <fstream>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>

namespace vlmforge::test {

namespace {
std::vector<uint8_t> pattern(int w, int h, uint8_t seed) {
  std::vector<uint8_t> px(static_cast<size_t>(w) * h * 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c) px[(y * w + x) * 3 + c] = static_cast<uint8_t>(x * 7 + y * 3 + c * 50 + seed);
  return px;
}
void append(void* ctx, void* data, int size) { static_cast<std::string*>(ctx)->append(static_cast<char*>(data), size); }
}  // namespace

std::string jpeg_bytes(int w, int h, uint8_t seed) {
  const std::vector<uint8_t> px = pattern(w, h, seed);
  std::string out;
  stbi_write_jpg_to_func(append, &out, w, h, 3, px.data(), 90);
  return out;
}

std::string png_bytes(int w, int h, uint8_t seed) {
  const std::vector<uint8_t> px = pattern(w, h, seed);
  std::string out;
  stbi_write_png_to_func(
      [](void* ctx, void* data, int size) { static_cast<std::string*>(ctx)->append(static_cast<char*>(data), size); },
      &out, w, h, 3, px.data(), w * 3);
  return out;
}

void write_png(const std::string& path, int w, int h, uint8_t seed) {
  std::ofstream(path, std::ios::binary) << png_bytes(w, h, seed);
}

}  // namespace vlmforge::test
