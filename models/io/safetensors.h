// safetensors reading and writing (https://github.com/huggingface/safetensors format):
//   u64 little-endian N | N bytes of JSON header (may be space-padded) | data buffer.
// The reader validates everything before handing out a tensor (header length ≤ 100 MB, JSON,
// known dtypes, dtype × shape = byte size, offsets contiguous from 0 and in bounds, buffer that
// exactly fills the file) and maps the file, so tensors are zero-copy views of the page cache
// (copy-on-write private mapping: writing into a loaded tensor never touches the file).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace vlmforge {

class MappedFile;

// The dtype strings of the format and their sizes.
struct SafetensorsDtype {
  const char* name;  // "F32", "BF16", ...
  torch::ScalarType scalar_type;
  size_t size;  // bytes per element
};
const SafetensorsDtype* safetensors_dtype(const std::string& name);  // nullptr if unknown
const SafetensorsDtype* safetensors_dtype(torch::ScalarType t);      // nullptr if unsupported

struct TensorEntry {
  std::string name;
  std::string dtype;            // format name, e.g. "BF16"
  std::vector<int64_t> shape;
  uint64_t begin = 0, end = 0;  // byte offsets in the data buffer, [begin, end)
  uint64_t nbytes() const { return end - begin; }
};

// One .safetensors file.
class SafetensorsFile {
 public:
  static std::shared_ptr<SafetensorsFile> open(const std::string& path);

  const std::string& path() const { return path_; }
  const std::vector<TensorEntry>& entries() const { return entries_; }  // in file order
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  bool contains(const std::string& name) const { return index_.count(name) != 0; }
  const TensorEntry& entry(const std::string& name) const;  // throws naming the tensor
  // Zero-copy CPU tensor over the mapping (copied only if the data is misaligned).
  torch::Tensor get(const std::string& name) const;

 private:
  std::string path_;
  std::shared_ptr<MappedFile> map_;
  size_t data_start_ = 0;
  std::vector<TensorEntry> entries_;
  std::map<std::string, size_t> index_;
  std::map<std::string, std::string> metadata_;
};

// A model's weights: one file, a folder (model.safetensors, or model.safetensors.index.json with
// its shards, or else every *.safetensors in it), or an index file. Shards are opened lazily.
class SafetensorsReader {
 public:
  static SafetensorsReader open(const std::string& path);

  std::vector<std::string> names() const;  // sorted
  bool contains(const std::string& name) const { return where_.count(name) != 0; }
  const TensorEntry& entry(const std::string& name) const;
  torch::Tensor get(const std::string& name) const;
  const std::string& file_of(const std::string& name) const;
  std::vector<std::string> files() const;  // shard paths
  // Metadata of the first shard (or of the only file).
  std::map<std::string, std::string> metadata() const;
  const std::string& source() const { return source_; }

 private:
  std::shared_ptr<SafetensorsFile> shard(const std::string& file) const;
  std::string source_;
  std::map<std::string, std::string> where_;  // tensor -> shard path
  mutable std::map<std::string, std::shared_ptr<SafetensorsFile>> shards_;
};

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

// Writes one file atomically (temp + rename). Tensors are written contiguous, from the CPU.
// `metadata` always gets {"format": "pt"} unless it sets "format" itself.
void save_safetensors(const std::string& path, const NamedTensors& tensors,
                      std::map<std::string, std::string> metadata = {});

// Writes `<dir>/<stem>.safetensors`, or — when the total exceeds max_shard_bytes —
// `<dir>/<stem>-0000i-of-0000n.safetensors` + `<dir>/<stem>.safetensors.index.json`
// (Hugging Face layout). Returns the files written. max_shard_bytes = 0 means never shard.
std::vector<std::string> save_safetensors_sharded(const std::string& dir, const NamedTensors& tensors,
                                                  uint64_t max_shard_bytes,
                                                  const std::string& stem = "model",
                                                  std::map<std::string, std::string> metadata = {});

}  // namespace vlmforge
