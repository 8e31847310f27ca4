// Pixel size of a PNG, JPEG or WebP file read from its header alone (no decoding), so the report
// can place boxes given in stored-image pixels without an image library.
#pragma once

#include <optional>
#include <string>

namespace vlmforge::eval {

struct ImageSize {
  int width = 0;
  int height = 0;
};

// nullopt when the file cannot be read or is not a PNG / JPEG / WebP this parser knows.
std::optional<ImageSize> read_image_size(const std::string& path);

// "image/png", "image/jpeg", "image/webp" from the file's magic bytes; "" if unknown.
std::string image_mime_type(const std::string& bytes);

}  // namespace vlmforge::eval
