// JSONL dataset files: one DatasetRecord per line.
#pragma once

#include <fstream>
#include <string>
#include <vector>

#include "data/formats/record.h"

namespace vlmforge::data {

// Reads every record of a JSONL file; errors name `path:line`. Blank lines are skipped.
std::vector<DatasetRecord> read_jsonl(const std::string& path);

// Appends records to a JSONL file, one line each, in call order. The file is written to
// `path.tmp` and renamed by close(), so a crash never leaves a truncated dataset behind.
class JsonlWriter {
 public:
  explicit JsonlWriter(std::string path);
  ~JsonlWriter();
  void write(const DatasetRecord& r);
  void write_line(const std::string& json_line);
  void close();

 private:
  std::string path_;
  std::ofstream out_;
  bool closed_ = false;
};

}  // namespace vlmforge::data
