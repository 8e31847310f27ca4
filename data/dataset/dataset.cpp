#include "data/dataset/dataset.h"

#include <glob.h>

#include <algorithm>
#include <filesystem>

#include "models/core/error.h"

namespace vlmforge::data {
namespace {

namespace fs = std::filesystem;

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::vector<std::string> glob_sorted(const std::string& pattern) {
  std::vector<std::string> out;
  glob_t g{};
  if (::glob(pattern.c_str(), 0, nullptr, &g) == 0)
    for (size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  globfree(&g);
  std::sort(out.begin(), out.end());
  return out;
}

// Keeps the samples whose record says `split`.
std::unique_ptr<Dataset> only_split(const Dataset& all, const std::string& split, const std::string& what) {
  std::vector<Sample> kept;
  for (size_t i = 0; i < all.size(); ++i) {
    Sample s = all.get(i);
    if (s.meta.split == split) kept.push_back(std::move(s));
  }
  if (kept.empty())
    throw Error("no samples with split '" + split + "'", what,
                "write <split>.jsonl or give records a \"split\" field");
  const size_t n = kept.size();
  return std::make_unique<InMemoryDataset>(std::move(kept),
                                           what + " split=" + split + " (" + std::to_string(n) + " samples)");
}

std::unique_ptr<Dataset> open_folder(const std::string& dir, const std::string& split) {
  if (!split.empty()) {
    if (fs::exists(dir + "/" + split + ".jsonl")) return read_jsonl_dataset(dir + "/" + split + ".jsonl");
    auto shards = glob_sorted(dir + "/shard-" + split + "-*.tar");
    if (!shards.empty()) return read_webdataset(shards);
    if (fs::exists(dir + "/data.jsonl"))
      return only_split(*read_jsonl_dataset(dir + "/data.jsonl"), split, dir + "/data.jsonl");
    shards = glob_sorted(dir + "/shard-*.tar");
    if (!shards.empty()) return only_split(*read_webdataset(shards), split, dir + "/shard-*.tar");
  } else {
    if (fs::exists(dir + "/data.jsonl")) return read_jsonl_dataset(dir + "/data.jsonl");
    auto shards = glob_sorted(dir + "/shard-*.tar");
    if (!shards.empty()) return read_webdataset(shards);
  }
  throw Error("no dataset found in folder" + (split.empty() ? std::string() : " for split '" + split + "'"),
              dir, "expected data.jsonl, <split>.jsonl or shard-*.tar (see docs/data.md)");
}

}  // namespace

image::RgbImage Sample::load_image() const {
  try {
    if (image_bytes) return image::decode_image(*image_bytes, meta.image);
    if (image_path.empty()) throw Error("sample has no image");
    return image::load_image(image_path);
  } catch (const Error& e) {
    throw e.with_context("sample " + source);
  }
}

InMemoryDataset::InMemoryDataset(std::vector<Sample> samples, std::string description)
    : samples_(std::move(samples)), description_(std::move(description)) {}

Sample InMemoryDataset::get(size_t i) const {
  if (i >= samples_.size())
    throw Error("sample index " + std::to_string(i) + " out of range (size " +
                std::to_string(samples_.size()) + ")", description_);
  return samples_[i];
}

std::unique_ptr<Dataset> open_dataset(const std::string& path, const std::string& format,
                                      const std::string& split) {
  if (path.empty()) throw Error("no dataset path given", "data.train", "set data.train to a dataset folder or file");
  if (format != "auto" && format != "jsonl" && format != "llava" && format != "wds")
    throw Error("unknown dataset format '" + format + "'", "data.format", "auto | jsonl | llava | wds");
  const bool pattern = path.find_first_of("*?[") != std::string::npos;
  if (pattern || format == "wds" || ends_with(path, ".tar")) {
    if (fs::is_directory(path)) return open_folder(path, split);
    auto shards = pattern ? glob_sorted(path) : std::vector<std::string>{path};
    if (shards.empty()) throw Error("no shard matches the pattern", path);
    for (const auto& s : shards)
      if (!fs::exists(s)) throw Error("shard not found", s);
    return read_webdataset(shards);
  }
  if (fs::is_directory(path)) {
    if (format == "llava") throw Error("a LLaVA dataset is one .json file, not a folder", path);
    return open_folder(path, split);
  }
  if (!fs::exists(path)) throw Error("dataset not found", path, "check data.train / data.val");
  if (format == "llava" || (format == "auto" && ends_with(path, ".json"))) return read_llava_dataset(path);
  return read_jsonl_dataset(path);
}

}  // namespace vlmforge::data
