// The three on-disk forms -> InMemoryDataset.
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "data/dataset/dataset.h"
#include "data/formats/tar.h"
#include "models/core/error.h"

namespace vlmforge::data {
namespace {

namespace fs = std::filesystem;

std::string resolve(const std::string& base_dir, const std::string& image) {
  if (image.empty() || fs::path(image).is_absolute()) return image;
  return (fs::path(base_dir) / image).lexically_normal().string();
}

std::string parent_dir(const std::string& path) {
  const fs::path p = fs::path(path).parent_path();
  return p.empty() ? "." : p.string();
}

Sample sample_from_record(DatasetRecord r, std::string source) {
  Sample s;
  s.id = r.id;
  s.source = std::move(source);
  s.conversations = r.conversations;
  s.meta = std::move(r);
  return s;
}

std::string described(const std::string& what, size_t n) {
  return what + " (" + std::to_string(n) + " samples)";
}

}  // namespace

std::unique_ptr<Dataset> read_jsonl_dataset(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open dataset file", path, "check data.train / data.val");
  const std::string base = parent_dir(path);
  std::vector<Sample> samples;
  std::string line;
  for (size_t n = 1; std::getline(in, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = path + ":" + std::to_string(n);
    Sample s = sample_from_record(record_from_json_text(line, where), where);
    s.image_path = resolve(base, s.meta.image);
    if (s.id.empty()) s.id = "line-" + std::to_string(n);
    samples.push_back(std::move(s));
  }
  if (in.bad()) throw Error("read failed", path);
  const size_t n = samples.size();
  return std::make_unique<InMemoryDataset>(std::move(samples), described(path, n));
}

std::unique_ptr<Dataset> read_llava_dataset(const std::string& path, const std::string& image_root) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open dataset file", path, "check data.train / data.val");
  nlohmann::json list;
  try {
    list = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("invalid JSON: ") + e.what(), path);
  }
  if (!list.is_array()) throw Error("a LLaVA dataset must be a JSON list of samples", path);
  const std::string base = image_root.empty() ? parent_dir(path) : image_root;
  std::vector<Sample> samples;
  samples.reserve(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string where = path + "[" + std::to_string(i) + "]";
    nlohmann::json& item = list[i];
    if (!item.is_object()) throw Error("sample must be a JSON object", where);
    // LLaVA ids are sometimes numbers, and text-only samples have no "image".
    if (auto id = item.find("id"); id != item.end() && id->is_number()) *id = id->dump();
    const bool text_only = !item.contains("image") || item["image"].is_null();
    if (text_only) item["image"] = "";
    if (!item["image"].is_string())
      throw Error("'image' must be one path (multi-image samples are not supported)", where);
    Sample s = sample_from_record(record_from_json(item, where), where);
    s.image_path = resolve(base, s.meta.image);
    if (s.id.empty()) s.id = "item-" + std::to_string(i);
    samples.push_back(std::move(s));
  }
  const size_t n = samples.size();
  return std::make_unique<InMemoryDataset>(std::move(samples), described(path, n));
}

std::unique_ptr<Dataset> read_webdataset(const std::vector<std::string>& shard_paths) {
  static const char* kImageExts[] = {"jpg", "jpeg", "png", "webp", "bmp"};
  std::vector<Sample> samples;
  for (const std::string& shard : shard_paths) {
    for (WebDatasetSample& w : read_webdataset_shard(shard)) {
      const std::string where = shard + ":" + w.key;
      auto json = w.files.find("json");
      if (json == w.files.end())
        throw Error("sample has no .json member (members: " + std::to_string(w.files.size()) + ")",
                    where, "each WebDataset sample needs <key>.json with the record");
      Sample s = sample_from_record(record_from_json_text(json->second, where + ".json"), where);
      // The record's "image" may name the member ("images/x.jpg" -> ext "jpg" of this key).
      std::string ext;
      if (!s.meta.image.empty()) {
        const std::string base = fs::path(s.meta.image).filename().string();
        const size_t dot = base.find('.');
        if (dot != std::string::npos && w.files.count(base.substr(dot + 1))) ext = base.substr(dot + 1);
      }
      for (const char* e : kImageExts)
        if (ext.empty() && w.files.count(e)) ext = e;
      if (!ext.empty()) {
        s.image_bytes = std::make_shared<const std::string>(std::move(w.files[ext]));
        s.meta.image = w.key + "." + ext;
      } else if (!s.meta.image.empty()) {
        throw Error("record names image '" + s.meta.image + "' but the shard has no image member for it",
                    where);
      }
      if (s.id.empty()) s.id = w.key;
      samples.push_back(std::move(s));
    }
  }
  const size_t n = samples.size();
  std::string what = shard_paths.size() == 1 ? shard_paths[0]
                                             : std::to_string(shard_paths.size()) + " shards";
  return std::make_unique<InMemoryDataset>(std::move(samples), described(what, n));
}

}  // namespace vlmforge::data
