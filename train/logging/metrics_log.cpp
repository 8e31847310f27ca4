#include "train/logging/metrics_log.h"

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "models/core/error.h"

namespace vlmforge::train {

MetricsLog::MetricsLog(const std::string& path) : path_(path) {
  const auto parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) throw Error("cannot create the folder of the metrics log: " + ec.message(), path);
  file_ = std::fopen(path.c_str(), "a");
  if (!file_) throw Error(std::string("cannot open the metrics log: ") + std::strerror(errno), path);
}

MetricsLog::~MetricsLog() {
  if (file_) std::fclose(file_);
}

void MetricsLog::write(const nlohmann::json& record) {
  // nlohmann writes NaN/Inf as null already; replace keeps invalid UTF-8 in names from throwing.
  const std::string line = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0)
    throw Error(std::string("cannot write the metrics log: ") + std::strerror(errno), path_);
}

void MetricsLog::log(int64_t step, const std::map<std::string, double>& values, const std::string& split) {
  nlohmann::json record;
  record["step"] = step;
  record["time"] = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  record["split"] = split;
  for (const auto& [name, value] : values) {
    if (std::isfinite(value)) record[name] = value;
    else record[name] = nullptr;
  }
  write(record);
}

}  // namespace vlmforge::train
