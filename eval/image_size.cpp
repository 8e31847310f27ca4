#include "eval/image_size.h"

#include <fstream>
#include <vector>

namespace vlmforge::eval {

namespace {

uint32_t be16(const unsigned char* p) { return (uint32_t(p[0]) << 8) | p[1]; }
uint32_t be32(const unsigned char* p) { return (be16(p) << 16) | be16(p + 2); }
uint32_t le16(const unsigned char* p) { return uint32_t(p[0]) | (uint32_t(p[1]) << 8); }
uint32_t le24(const unsigned char* p) { return le16(p) | (uint32_t(p[2]) << 16); }

bool starts_with(const std::string& s, const char* magic, size_t n, size_t at = 0) {
  return s.size() >= at + n && s.compare(at, n, magic, n) == 0;
}

// JPEG: walk the marker segments to the first start-of-frame (SOF0..SOF15 except DHT C4,
// JPG C8, DAC CC), whose payload is precision(1) height(2) width(2).
std::optional<ImageSize> jpeg_size(std::ifstream& in) {
  in.seekg(2);
  unsigned char b[9];
  while (in.read(reinterpret_cast<char*>(b), 1)) {
    if (b[0] != 0xFF) return std::nullopt;
    unsigned char marker = 0xFF;
    while (marker == 0xFF && in.read(reinterpret_cast<char*>(&marker), 1)) {
    }
    if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) continue;  // no length
    if (marker == 0xD9 || marker == 0xDA) return std::nullopt;  // end / scan before any frame
    if (!in.read(reinterpret_cast<char*>(b), 2)) return std::nullopt;
    const uint32_t length = be16(b);
    if (length < 2) return std::nullopt;
    const bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (sof) {
      if (!in.read(reinterpret_cast<char*>(b), 5)) return std::nullopt;
      return ImageSize{static_cast<int>(be16(b + 3)), static_cast<int>(be16(b + 1))};
    }
    in.seekg(length - 2, std::ios::cur);
  }
  return std::nullopt;
}

}  // namespace

std::string image_mime_type(const std::string& bytes) {
  if (starts_with(bytes, "\x89PNG\r\n\x1a\n", 8)) return "image/png";
  if (starts_with(bytes, "\xFF\xD8", 2)) return "image/jpeg";
  if (starts_with(bytes, "RIFF", 4) && starts_with(bytes, "WEBP", 4, 8)) return "image/webp";
  return "";
}

std::optional<ImageSize> read_image_size(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string head(32, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  in.clear();
  const auto* p = reinterpret_cast<const unsigned char*>(head.data());
  const std::string mime = image_mime_type(head);
  ImageSize size;
  if (mime == "image/png" && head.size() >= 24 && starts_with(head, "IHDR", 4, 12)) {
    size = {static_cast<int>(be32(p + 16)), static_cast<int>(be32(p + 20))};
  } else if (mime == "image/jpeg") {
    return jpeg_size(in);
  } else if (mime == "image/webp" && head.size() >= 30) {
    if (starts_with(head, "VP8X", 4, 12)) {
      size = {static_cast<int>(le24(p + 24) + 1), static_cast<int>(le24(p + 27) + 1)};
    } else if (starts_with(head, "VP8L", 4, 12)) {
      const uint32_t bits = p[21] | (uint32_t(p[22]) << 8) | (uint32_t(p[23]) << 16) | (uint32_t(p[24]) << 24);
      size = {static_cast<int>((bits & 0x3FFF) + 1), static_cast<int>(((bits >> 14) & 0x3FFF) + 1)};
    } else if (starts_with(head, "VP8 ", 4, 12)) {
      size = {static_cast<int>(le16(p + 26) & 0x3FFF), static_cast<int>(le16(p + 28) & 0x3FFF)};
    }
  }
  if (size.width <= 0 || size.height <= 0) return std::nullopt;
  return size;
}

}  // namespace vlmforge::eval
