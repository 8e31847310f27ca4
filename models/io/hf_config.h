// Reading Hugging Face config.json files with errors that name the file and the key.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace vlmforge {

using json = nlohmann::json;

// A config.json (or any JSON object) plus the path it came from, for error messages.
struct HfConfig {
  json j;
  std::string source;  // file path, or "<path>:text_config" for nested sections

  static HfConfig read(const std::string& path);  // throws naming the file on I/O or parse errors
  HfConfig section(const std::string& key) const;  // nested object; throws if missing
  bool has(const std::string& key) const { return j.contains(key) && !j[key].is_null(); }

  int64_t get_int(const std::string& key) const;  // required
  int64_t get_int(const std::string& key, int64_t fallback) const;
  double get_double(const std::string& key) const;
  double get_double(const std::string& key, double fallback) const;
  bool get_bool(const std::string& key, bool fallback) const;
  std::string get_string(const std::string& key, const std::string& fallback) const;

  // transformers 5 moved rope_theta / partial_rotary_factor into `rope_parameters`; older
  // configs keep them top-level (and `rope_scaling` for scaled variants). Looks in both.
  double rope_param(const std::string& key, double fallback) const;
  // `architectures[0]`, or "" when absent.
  std::string architecture() const;
};

}  // namespace vlmforge
