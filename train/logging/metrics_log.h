// Training metrics as JSON Lines: one object per record, appended and flushed at once, so the file
// is readable (by `jq`, pandas, a plotting script) while training runs and survives a crash up to
// the last record. A resumed run appends to the same file.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace vlmforge::train {

class MetricsLog {
 public:
  // Opens `path` for appending (creating its folder). Throws vlmforge::Error.
  explicit MetricsLog(const std::string& path);
  ~MetricsLog();
  MetricsLog(const MetricsLog&) = delete;
  MetricsLog& operator=(const MetricsLog&) = delete;

  // Writes `record` as one line. Non-finite numbers become null (JSON has no NaN).
  void write(const nlohmann::json& record);
  // {"step": step, "time": unix seconds, "split": split, <name>: <value>...}
  void log(int64_t step, const std::map<std::string, double>& values, const std::string& split = "train");

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
};

}  // namespace vlmforge::train
