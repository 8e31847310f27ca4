#include "data/image/processor.h"

#include <fstream>

#include <nlohmann/json.hpp>

#include "models/core/error.h"

namespace vlmforge::image {

ImageProcessorConfig ImageProcessorConfig::siglip(int size) {
  ImageProcessorConfig c;
  c.height = c.width = size;
  return c;
}

ImageProcessorConfig ImageProcessorConfig::from_preprocessor_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error("cannot open preprocessor config", path);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("invalid JSON: ") + e.what(), path);
  }
  ImageProcessorConfig c;
  auto key = [&](const char* k) { return path + ": " + k; };
  try {
    if (j.contains("size")) {
      const auto& s = j["size"];
      if (s.is_number_integer()) {
        c.height = c.width = s.get<int>();
      } else if (s.contains("height") && s.contains("width")) {
        c.height = s["height"].get<int>();
        c.width = s["width"].get<int>();
      } else {
        throw Error("only square/fixed sizes {height, width} are supported, got " + s.dump(),
                    key("size"));
      }
    }
    if (j.contains("resample")) {
      const int r = j["resample"].get<int>();
      if (r < 0 || r > 5) throw Error("unknown resample " + std::to_string(r), key("resample"));
      c.resample = static_cast<Resample>(r);
    }
    c.do_resize = j.value("do_resize", c.do_resize);
    c.do_rescale = j.value("do_rescale", c.do_rescale);
    c.rescale_factor = j.value("rescale_factor", c.rescale_factor);
    c.do_normalize = j.value("do_normalize", c.do_normalize);
    for (const char* k : {"image_mean", "image_std"}) {
      if (!j.contains(k)) continue;
      auto& dst = std::string(k) == "image_mean" ? c.image_mean : c.image_std;
      if (j[k].is_number()) {
        dst.fill(j[k].get<float>());
      } else {
        auto v = j[k].get<std::vector<float>>();
        if (v.size() != 3) throw Error("expected 3 values", key(k));
        for (int i = 0; i < 3; ++i) dst[i] = v[i];
      }
    }
    if (j.value("do_center_crop", false))
      throw Error("center crop is not supported", key("do_center_crop"));
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("wrong value type: ") + e.what(), path);
  }
  if (c.height <= 0 || c.width <= 0) throw Error("size must be positive", key("size"));
  for (float s : c.image_std)
    if (s == 0.f) throw Error("image_std must be non-zero", key("image_std"));
  return c;
}

ImageProcessor::ImageProcessor(ImageProcessorConfig cfg) : cfg_(cfg) {
  for (int c = 0; c < 3; ++c) {
    for (int v = 0; v < 256; ++v) {
      // transformers: image.astype(float64) * scale, downcast to float32; then float32 maths.
      float x = cfg_.do_rescale ? static_cast<float>(v * cfg_.rescale_factor) : static_cast<float>(v);
      if (cfg_.do_normalize) x = (x - cfg_.image_mean[c]) / cfg_.image_std[c];
      lut_[c][v] = x;
    }
  }
}

RgbImage ImageProcessor::resize(const RgbImage& img) const {
  if (!cfg_.do_resize) return img;
  return resize_like_pil(img, cfg_.width, cfg_.height, cfg_.resample);
}

torch::Tensor ImageProcessor::operator()(const RgbImage& img) const {
  RgbImage resized = resize(img);
  const int64_t h = resized.height, w = resized.width, hw = h * w;
  torch::Tensor out = torch::empty({3, h, w}, torch::kFloat32);  // [3, H, W]
  float* dst = out.data_ptr<float>();
  const uint8_t* src = resized.rgb.data();
  for (int64_t i = 0; i < hw; ++i) {
    dst[i] = lut_[0][src[3 * i + 0]];
    dst[hw + i] = lut_[1][src[3 * i + 1]];
    dst[2 * hw + i] = lut_[2][src[3 * i + 2]];
  }
  return out;
}

}  // namespace vlmforge::image
