// vlmforge's image preprocessing against transformers' SiglipImageProcessorPil (fixture
// "data_image_fixtures", written by tests/reference/data_image_reference.py). Decoding (libjpeg-
// turbo, libwebp, stb_image for PNG) and Pillow-exact resampling make pixel_values bitwise equal
// for every format; a small bound is kept for lossy formats in case the system libjpeg/libwebp
// and Pillow's bundled ones ever decode differently (IDCT/upsampling are library choices).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "data/image/decode.h"
#include "data/image/processor.h"
#include "models/io/safetensors.h"

namespace vlmforge::image {
namespace {

std::string fixture_dir() {
  const char* root = std::getenv("VLMFORGE_FIXTURES");
  return std::string(root ? root : "fixtures") + "/data_image";
}

// Lossy formats decode differently per library (IDCT, chroma upsampling); lossless ones must not.
bool is_lossy(const std::string& name) {
  return (name.size() > 4 && name.substr(name.size() - 4) == ".jpg") || name.find("lossy") != std::string::npos;
}

// Measured: 0 for all fixtures (libjpeg-turbo 2.1.5 / libwebp 1.2.4 vs Pillow 13's bundled
// libraries). The bound is 2 uint8 levels (normalised range 2 -> 4/255).
constexpr double kLossyMaxAbs = 4.0 / 255.0 + 1e-6;

TEST(ImageReference, SiglipPixelValuesMatchTransformers) {
  const std::string dir = fixture_dir();
  std::ifstream mf(dir + "/manifest.json");
  ASSERT_TRUE(mf) << "missing fixture " << dir << "/manifest.json";
  const auto manifest = nlohmann::json::parse(mf);
  const auto ref = SafetensorsReader::open(dir + "/pixel_values.safetensors");
  int checked = 0;
  for (int size : manifest["sizes"].get<std::vector<int>>()) {
    const ImageProcessor proc(ImageProcessorConfig::siglip(size));
    for (const std::string& name : manifest["images"].get<std::vector<std::string>>()) {
      const torch::Tensor expected = ref.get(name + "@" + std::to_string(size));
      const torch::Tensor got = proc(load_image(dir + "/" + name));
      ASSERT_EQ(got.sizes(), expected.sizes()) << name;
      const torch::Tensor diff = (got.to(torch::kFloat64) - expected.to(torch::kFloat64)).abs();
      const double max_abs = diff.max().item<double>();
      const double mean_abs = diff.mean().item<double>();
      std::printf("PARITY %-26s @%d max_abs_diff = %.3e mean_abs_diff = %.3e\n", name.c_str(), size,
                  max_abs, mean_abs);
      if (is_lossy(name)) {
        EXPECT_LE(max_abs, kLossyMaxAbs) << name << "@" << size;
      } else {
        EXPECT_EQ(max_abs, 0.0) << name << "@" << size;
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 10);
}

TEST(ImageReference, ResizeEqualsPillowOnRandomShapes) {
  const auto cases = SafetensorsReader::open(fixture_dir() + "/resize_cases.safetensors");
  int checked = 0, worst = 0;
  for (int i = 0; cases.contains("case" + std::to_string(i) + ".in"); ++i) {
    const std::string k = "case" + std::to_string(i);
    const torch::Tensor in = cases.get(k + ".in").contiguous();    // [h, w, 3] uint8
    const torch::Tensor want = cases.get(k + ".out").contiguous();  // [oh, ow, 3] uint8
    RgbImage img;
    img.height = static_cast<int>(in.size(0));
    img.width = static_cast<int>(in.size(1));
    img.rgb.assign(in.data_ptr<uint8_t>(), in.data_ptr<uint8_t>() + in.numel());
    const auto filter = static_cast<Resample>(cases.get(k + ".filter").item<int>());
    const RgbImage got = resize_like_pil(img, static_cast<int>(want.size(1)), static_cast<int>(want.size(0)), filter);
    ASSERT_EQ(got.rgb.size(), static_cast<size_t>(want.numel())) << k;
    int max_diff = 0;
    for (size_t j = 0; j < got.rgb.size(); ++j)
      max_diff = std::max(max_diff, std::abs(int(got.rgb[j]) - int(want.data_ptr<uint8_t>()[j])));
    EXPECT_EQ(max_diff, 0) << k << ": " << img.width << "x" << img.height << " -> " << want.size(1) << "x"
                           << want.size(0) << " filter " << static_cast<int>(filter);
    worst = std::max(worst, max_diff);
    ++checked;
  }
  std::printf("PARITY resize vs Pillow: %d cases, max |diff| = %d (uint8 levels)\n", checked, worst);
  EXPECT_GE(checked, 50);
}

TEST(ImageReference, PreprocessorConfigJsonIsHonoured) {
  // A CLIP-like config: other mean/std, bilinear, 224; checked against the same rules by hand
  // on a constant image (every pixel value v maps to (v/255 - mean) / std exactly).
  const std::string path = ::testing::TempDir() + "/preprocessor_config.json";
  std::ofstream(path) << R"({"size": {"height": 224, "width": 160}, "resample": 2,
      "image_mean": [0.48145466, 0.4578275, 0.40821073],
      "image_std": [0.26862954, 0.26130258, 0.27577711], "rescale_factor": 0.00392156862745098})";
  const auto cfg = ImageProcessorConfig::from_preprocessor_config(path);
  EXPECT_EQ(cfg.height, 224);
  EXPECT_EQ(cfg.width, 160);
  EXPECT_EQ(cfg.resample, Resample::kBilinear);
  RgbImage img;
  img.width = 50;
  img.height = 40;
  img.rgb.assign(50 * 40 * 3, 200);
  const torch::Tensor t = ImageProcessor(cfg)(img);
  ASSERT_EQ(t.sizes(), (torch::IntArrayRef{3, 224, 160}));
  for (int c = 0; c < 3; ++c) {
    const float want = (static_cast<float>(200 * (1.0 / 255.0)) - cfg.image_mean[c]) / cfg.image_std[c];
    EXPECT_EQ(t[c].min().item<float>(), want);
    EXPECT_EQ(t[c].max().item<float>(), want);
  }
}

}  // namespace
}  // namespace vlmforge::image
