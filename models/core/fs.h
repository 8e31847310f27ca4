// Small file-system helpers used by every writer: whole-file reads with clear errors, atomic
// writes (temp file in the same folder + fsync + rename) and read-only memory maps.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace vlmforge {

std::string read_file(const std::string& path);

// Writes `data` to `path` atomically: a crash leaves either the old file or the new one.
void write_file_atomic(const std::string& path, const std::string& data);
void write_file_atomic(const std::string& path, const void* data, size_t size);

// Streams a file to `path.tmp.<pid>.<rand>`; commit() fsyncs and renames it over `path`. If the
// writer is destroyed without commit(), the temp file is removed and `path` is untouched.
class AtomicFileWriter {
 public:
  explicit AtomicFileWriter(const std::string& path);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;
  void write(const void* data, size_t size);
  void commit();

 private:
  std::string path_, tmp_;
  int fd_ = -1;
};

// A private copy-on-write memory map of a whole file (writes never reach the file). Tensors created over it keep it alive via shared_ptr.
class MappedFile {
 public:
  static std::shared_ptr<MappedFile> open(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  MappedFile() = default;
  std::string path_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

// Renames a finished `dir.tmp` folder to `dir`, replacing an older `dir` (checkpoint folders).
void commit_directory(const std::string& tmp_dir, const std::string& final_dir);

}  // namespace vlmforge
