// TensorBoard event files written without TensorFlow: TFRecord framing (length, masked CRC32C of
// the length, payload, masked CRC32C of the payload) around hand-encoded `Event` protobufs
// (tensorflow/core/util/event.proto: wall_time = 1 double, step = 2 int64, file_version = 3
// string, summary = 5 Summary{ repeated Value value = 1 { tag = 1 string, simple_value = 2 float }}).
// The first event carries file_version "brain.Event:2"; every add_* call is flushed to the OS so
// a crash keeps everything logged so far and TensorBoard sees scalars while training runs.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace vlmforge::train {

// CRC-32C (Castagnoli) and TFRecord's masking: ((crc >> 15) | (crc << 17)) + 0xa282ead8.
uint32_t crc32c(const void* data, size_t size);
uint32_t masked_crc32c(const void* data, size_t size);

class TensorBoardWriter {
 public:
  // Creates `log_dir` if needed and opens events.out.tfevents.<unix seconds>.<host>.<pid> in it
  // (the pid keeps ranks or restarts within one second apart). Throws vlmforge::Error.
  explicit TensorBoardWriter(const std::string& log_dir);
  ~TensorBoardWriter();
  TensorBoardWriter(const TensorBoardWriter&) = delete;
  TensorBoardWriter& operator=(const TensorBoardWriter&) = delete;

  // One scalar; `wall_time` in seconds since the epoch (< 0: now). Stored as float32, which is
  // what TensorBoard's simple_value holds.
  void add_scalar(const std::string& tag, double value, int64_t step, double wall_time = -1.0);
  // Several scalars of one step in a single event.
  void add_scalars(const std::vector<std::pair<std::string, double>>& values, int64_t step,
                   double wall_time = -1.0);

  const std::string& path() const { return path_; }

 private:
  void write_event(const std::string& event);
  std::string path_;
  std::FILE* file_ = nullptr;
};

}  // namespace vlmforge::train
