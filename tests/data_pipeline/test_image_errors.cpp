// Bad images: every failure is a vlmforge::Error naming the file, never a crash.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "data/image/decode.h"
#include "data/image/pil_resample.h"
#include "models/core/error.h"
#include "tests/data_pipeline/helpers.h"

namespace vlmforge::image {
namespace {

std::string expect_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not a vlmforge::Error: " << e.what();
    return "";
  }
  ADD_FAILURE() << "no error thrown";
  return "";
}

TEST(ImageErrors, MissingFileNamesPath) {
  const std::string msg = expect_error([] { load_image("/nonexistent/dir/scan-0042.jpg"); });
  EXPECT_NE(msg.find("/nonexistent/dir/scan-0042.jpg"), std::string::npos) << msg;
}

TEST(ImageErrors, CorruptBytesNameTheFile) {
  const std::string path = ::testing::TempDir() + "/corrupt.png";
  std::ofstream(path, std::ios::binary) << "\x89PNG\r\n\x1a\n garbage that is not a png";
  const std::string msg = expect_error([&] { load_image(path); });
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_NE(msg.find("cannot decode"), std::string::npos) << msg;
}

TEST(ImageErrors, EmptyAndUnknownFormats) {
  EXPECT_NE(expect_error([] { decode_image("", "shard-00001.tar:doc.jpg"); }).find("shard-00001.tar:doc.jpg"),
            std::string::npos);
  EXPECT_NE(expect_error([] { decode_image("hello, world", "notes.txt"); }).find("notes.txt"),
            std::string::npos);
}

TEST(ImageErrors, CorruptWebpNamesFile) {
  const std::string bytes = std::string("RIFF\x20\0\0\0WEBPVP8 ", 16) + std::string(24, '\x7f');
  const std::string msg = expect_error([&] { decode_image(bytes, "scans/page-3.webp"); });
  EXPECT_NE(msg.find("scans/page-3.webp"), std::string::npos) << msg;
}

TEST(ImageErrors, TruncatedJpegNamesFile) {
  // A valid JPEG SOI + APP0 header with the rest cut off.
  const std::string bytes("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", 20);
  const std::string msg = expect_error([&] { decode_image(bytes, "images/inv-000042.jpg"); });
  EXPECT_NE(msg.find("images/inv-000042.jpg"), std::string::npos) << msg;
}

TEST(ImageErrors, JpegCutInTheScanNamesFile) {
  // Pillow refuses a JPEG cut inside its scan ("image file is truncated"); libjpeg only warns
  // and pads with grey, so the decoder turns that warning into an error.
  std::string bytes = test::jpeg_bytes(64, 48, 9);
  EXPECT_EQ(decode_image(bytes, "whole.jpg").width, 64);
  bytes.resize(bytes.size() / 2);
  const std::string msg = expect_error([&] { decode_image(bytes, "images/half.jpg"); });
  EXPECT_NE(msg.find("images/half.jpg"), std::string::npos) << msg;
}

TEST(ImageErrors, ResizeRejectsNearestAndEmpty) {
  RgbImage img;
  img.width = img.height = 4;
  img.rgb.assign(48, 7);
  expect_error([&] { resize_like_pil(img, 2, 2, Resample::kNearest); });
  expect_error([&] { resize_like_pil(img, 0, 2, Resample::kBicubic); });
  EXPECT_EQ(resize_like_pil(img, 2, 3, Resample::kBicubic).rgb, std::vector<uint8_t>(18, 7));
}

}  // namespace
}  // namespace vlmforge::image
