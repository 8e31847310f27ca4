#include "models/io/hf_config.h"

#include "models/core/error.h"
#include "models/core/fs.h"

namespace vlmforge {

HfConfig HfConfig::read(const std::string& path) {
  HfConfig c;
  c.source = path;
  const std::string text = read_file(path);
  try {
    c.j = json::parse(text);
  } catch (const json::exception& e) {
    throw Error(std::string("invalid JSON: ") + e.what(), path);
  }
  if (!c.j.is_object()) throw Error("expected a JSON object", path);
  return c;
}

HfConfig HfConfig::section(const std::string& key) const {
  if (!has(key) || !j[key].is_object())
    throw Error("missing object '" + key + "'", source);
  return {j[key], source + ":" + key};
}

namespace {
[[noreturn]] void bad_type(const HfConfig& c, const std::string& key, const char* want) {
  throw Error("key '" + key + "' must be " + want + ", got " + c.j[key].dump(), c.source);
}
}  // namespace

int64_t HfConfig::get_int(const std::string& key) const {
  if (!has(key)) throw Error("missing required key '" + key + "'", source);
  if (!j[key].is_number_integer()) bad_type(*this, key, "an integer");
  return j[key].get<int64_t>();
}
int64_t HfConfig::get_int(const std::string& key, int64_t fallback) const {
  return has(key) ? get_int(key) : fallback;
}
double HfConfig::get_double(const std::string& key) const {
  if (!has(key)) throw Error("missing required key '" + key + "'", source);
  if (!j[key].is_number()) bad_type(*this, key, "a number");
  return j[key].get<double>();
}
double HfConfig::get_double(const std::string& key, double fallback) const {
  return has(key) ? get_double(key) : fallback;
}
bool HfConfig::get_bool(const std::string& key, bool fallback) const {
  if (!has(key)) return fallback;
  if (!j[key].is_boolean()) bad_type(*this, key, "true or false");
  return j[key].get<bool>();
}
std::string HfConfig::get_string(const std::string& key, const std::string& fallback) const {
  if (!has(key)) return fallback;
  if (!j[key].is_string()) bad_type(*this, key, "a string");
  return j[key].get<std::string>();
}

double HfConfig::rope_param(const std::string& key, double fallback) const {
  if (has("rope_parameters") && j["rope_parameters"].is_object() &&
      j["rope_parameters"].contains(key) && j["rope_parameters"][key].is_number())
    return j["rope_parameters"][key].get<double>();
  return get_double(key, fallback);
}

std::string HfConfig::architecture() const {
  if (has("architectures") && j["architectures"].is_array() && !j["architectures"].empty() &&
      j["architectures"][0].is_string())
    return j["architectures"][0].get<std::string>();
  return "";
}

}  // namespace vlmforge
