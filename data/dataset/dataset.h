// Datasets the trainer and evaluator read: vlmforge JSONL (DESIGN.md record), LLaVA JSON
// (a list of {id, image, conversations}) and WebDataset tar shards (<key>.json + <key>.jpg).
// All three become the same random-access `Dataset` of `Sample`s; images stay encoded until a
// loader worker decodes them (data/image).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "data/formats/record.h"
#include "data/image/decode.h"

namespace vlmforge::data {

struct Sample {
  std::string id;
  std::string source;      // where it came from, for errors: "train.jsonl:12", "shard-00000.tar:inv-7"
  std::string image_path;  // resolved file path; empty when the image is in image_bytes or absent
  std::shared_ptr<const std::string> image_bytes;  // encoded image from a tar shard, else null
  std::vector<Turn> conversations;
  DatasetRecord meta;      // the whole record: doc_type, qa_meta, regions (for eval)

  bool has_image() const { return !image_path.empty() || image_bytes != nullptr; }
  // Decodes the image; errors name the image and the sample's source.
  image::RgbImage load_image() const;
};

class Dataset {
 public:
  virtual ~Dataset() = default;
  virtual size_t size() const = 0;
  // Thread-safe; throws vlmforge::Error for i >= size().
  virtual Sample get(size_t i) const = 0;
  virtual const std::string& description() const = 0;  // e.g. "data/train.jsonl (1200 samples)"
};

// A dataset held in memory as a list of samples (every reader below returns one).
class InMemoryDataset : public Dataset {
 public:
  InMemoryDataset(std::vector<Sample> samples, std::string description);
  size_t size() const override { return samples_.size(); }
  Sample get(size_t i) const override;
  const std::string& description() const override { return description_; }

 private:
  std::vector<Sample> samples_;
  std::string description_;
};

// One JSONL file; image paths are relative to the file's folder. Errors name `file:line`.
std::unique_ptr<Dataset> read_jsonl_dataset(const std::string& path);
// One LLaVA JSON file (a list); samples without "image" are text-only. Errors name the file
// and the list index. `image_root` (default: the file's folder) resolves image paths.
std::unique_ptr<Dataset> read_llava_dataset(const std::string& path, const std::string& image_root = "");
// WebDataset shards, in the given order; each sample needs <key>.json (a DESIGN.md record) and
// one image member (jpg/jpeg/png/webp/bmp), or the member the record's "image" names.
std::unique_ptr<Dataset> read_webdataset(const std::vector<std::string>& shard_paths);

// Opens `path` by form and `format` (auto | jsonl | llava | wds):
//   a .jsonl file, a .json file (LLaVA), a .tar file or glob pattern ("shards/shard-*.tar"),
//   or a dataset folder: `<split>.jsonl`, else shards `shard-<split>-*.tar`, else the records of
//   data.jsonl whose "split" is `split` (all of data.jsonl / shard-*.tar when split is empty).
std::unique_ptr<Dataset> open_dataset(const std::string& path, const std::string& format = "auto",
                                      const std::string& split = "");

}  // namespace vlmforge::data
