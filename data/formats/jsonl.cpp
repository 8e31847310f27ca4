#include "data/formats/jsonl.h"

#include <cstdio>

#include "models/core/error.h"

namespace vlmforge::data {

std::vector<DatasetRecord> read_jsonl(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error("cannot open dataset file", path);
  std::vector<DatasetRecord> out;
  std::string line;
  for (size_t n = 1; std::getline(in, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    out.push_back(record_from_json_text(line, path + ":" + std::to_string(n)));
  }
  return out;
}

JsonlWriter::JsonlWriter(std::string path) : path_(std::move(path)), out_(path_ + ".tmp", std::ios::binary) {
  if (!out_) throw Error("cannot create file", path_ + ".tmp");
}

JsonlWriter::~JsonlWriter() {
  if (!closed_) {
    out_.close();
    std::remove((path_ + ".tmp").c_str());
  }
}

void JsonlWriter::write(const DatasetRecord& r) { write_line(to_json_line(r)); }

void JsonlWriter::write_line(const std::string& json_line) {
  out_ << json_line << '\n';
  if (!out_) throw Error("write failed", path_ + ".tmp", "disk full?");
}

void JsonlWriter::close() {
  if (closed_) return;
  out_.close();
  if (!out_ || std::rename((path_ + ".tmp").c_str(), path_.c_str()) != 0)
    throw Error("cannot finish file", path_);
  closed_ = true;
}

}  // namespace vlmforge::data
