// Loader throughput: samples/s of DataLoader with N workers reading a JSONL dataset of
// document-sized JPEGs, decoding them (stb_image) and preprocessing them to size x size
// (Pillow-exact bicubic + normalise) into [B, 3, S, S] batches. Driven by bench_loader.py,
// which times the Hugging Face peer (torch DataLoader + SiglipImageProcessorPil) on the same
// files.
//
//   bench_data_loader --make DIR [--num N] [--width W --height H]   # writes DIR/data.jsonl + images
//   bench_data_loader --run DIR --size S [--workers K] [--batch B] [--epochs E]
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>
#include <torch/torch.h>

#include "data/dataset/dataset.h"
#include "data/image/processor.h"
#include "data/loader/loader.h"

using namespace vlmforge;

namespace {

// A page-like image: white background, dark text-like strokes, a grey table grid, noise.
void make_dataset(const std::string& dir, int num, int w, int h) {
  std::filesystem::create_directories(dir + "/images");
  std::ofstream jsonl(dir + "/data.jsonl");
  std::mt19937 rng(1);
  std::vector<uint8_t> px(static_cast<size_t>(w) * h * 3);
  for (int i = 0; i < num; ++i) {
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        int v = 245 + static_cast<int>(rng() % 10);
        if ((y / 14) % 3 == 0 && (x / 6 + y / 14 + i) % 5 != 0 && x > 60 && x < w - 60) v = 30 + rng() % 40;
        if (y % 120 == 0 || x % 200 == 0) v = 150;
        for (int c = 0; c < 3; ++c) px[(static_cast<size_t>(y) * w + x) * 3 + c] = static_cast<uint8_t>(v - c * 3);
      }
    const std::string name = "images/doc-" + std::to_string(i) + ".jpg";
    stbi_write_jpg((dir + "/" + name).c_str(), w, h, 3, px.data(), 90);
    jsonl << R"({"id": "doc-)" << i << R"(", "image": ")" << name
          << R"(", "conversations": [{"from": "human", "value": "<image>\nQ?"}, {"from": "gpt", "value": "A"}]})"
          << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string make, run;
  int num = 64, w = 1240, h = 1754, size = 384, workers = 2, batch = 8, epochs = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--make") make = v;
    else if (k == "--run") run = v;
    else if (k == "--num") num = std::stoi(v);
    else if (k == "--width") w = std::stoi(v);
    else if (k == "--height") h = std::stoi(v);
    else if (k == "--size") size = std::stoi(v);
    else if (k == "--workers") workers = std::stoi(v);
    else if (k == "--batch") batch = std::stoi(v);
    else if (k == "--epochs") epochs = std::stoi(v);
  }
  if (!make.empty()) {
    make_dataset(make, num, w, h);
    std::printf("wrote %d images of %dx%d to %s\n", num, w, h, make.c_str());
    return 0;
  }
  torch::set_num_threads(1);
  auto ds = data::open_dataset(run);
  const image::ImageProcessor proc(image::ImageProcessorConfig::siglip(size));
  data::LoaderOptions opt;
  opt.batch_size = batch;
  opt.num_workers = workers;
  opt.prefetch = 2 * workers;
  opt.drop_last = false;
  auto collate = [&](std::vector<data::Sample> samples) {
    std::vector<torch::Tensor> px;
    for (const auto& s : samples) px.push_back(proc(s.load_image()));
    return torch::stack(px);  // [B, 3, S, S]
  };
  data::DataLoader<torch::Tensor> loader(*ds, collate, opt);
  int64_t n = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (int e = 0; e < epochs; ++e)
    while (auto b = loader.next()) n += b->size(0);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("{\"impl\": \"vlmforge\", \"size\": %d, \"workers\": %d, \"samples\": %lld, \"seconds\": %.3f, "
              "\"samples_per_s\": %.2f}\n",
              size, workers, static_cast<long long>(n), s, n / s);
  return 0;
}
