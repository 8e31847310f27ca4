// POSIX ustar archives for WebDataset shards: a writer (deterministic: mtime 0, uid/gid 0,
// mode 0644, so the same samples give byte-identical shards) and a reader that walks a shard's
// regular files and groups them into samples by key (WebDataset: "dir/key.ext" -> key "dir/key",
// extension "ext" = everything after the first dot of the base name).
#pragma once

#include <cstdint>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace vlmforge::data {

class TarWriter {
 public:
  explicit TarWriter(std::string path);  // written to path.tmp, renamed by close()
  ~TarWriter();
  // Member names up to 255 bytes (ustar name + prefix split at a '/'); throws vlmforge::Error.
  void add(const std::string& name, const void* data, size_t size);
  void add(const std::string& name, const std::string& data) { add(name, data.data(), data.size()); }
  void close();  // two zero blocks, then rename

 private:
  std::string path_;
  std::ofstream out_;
  bool closed_ = false;
};

struct TarEntry {
  std::string name;
  std::string data;
};

// All regular files of a ustar / GNU / pax archive in order (pax extended headers are honoured
// for long names; other member kinds are skipped). Errors name the file and the byte offset.
std::vector<TarEntry> read_tar(const std::string& path);

struct WebDatasetSample {
  std::string key;
  std::map<std::string, std::string> files;  // extension ("jpg", "json") -> bytes
};
std::vector<WebDatasetSample> read_webdataset_shard(const std::string& path);

}  // namespace vlmforge::data
