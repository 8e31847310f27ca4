// Typed access to tokenizer.json fields with errors that name the component path.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "models/core/error.h"

namespace vlmforge::tokenizer {

inline const nlohmann::json& require_field(const nlohmann::json& j, const char* key,
                                           const std::string& where) {
  if (!j.is_object()) throw Error("expected a JSON object", where);
  auto it = j.find(key);
  if (it == j.end()) throw Error(std::string("missing field \"") + key + "\"", where);
  return *it;
}

template <class T>
T field(const nlohmann::json& j, const char* key, const std::string& where) {
  const auto& v = require_field(j, key, where);
  try {
    return v.get<T>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("field \"") + key + "\" has the wrong type (" + e.what() + ")",
                where);
  }
}

template <class T>
T field_or(const nlohmann::json& j, const char* key, const T& dflt, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return dflt;
  try {
    return it->get<T>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("field \"") + key + "\" has the wrong type (" + e.what() + ")",
                where);
  }
}

inline std::string component_type(const nlohmann::json& j, const std::string& where) {
  return field<std::string>(j, "type", where);
}

// A Replace/Split "pattern": {"String": "..."} or {"Regex": "..."}; sets `is_regex`.
inline std::string pattern_field(const nlohmann::json& j, bool& is_regex,
                                 const std::string& where) {
  const auto& p = require_field(j, "pattern", where);
  if (p.contains("Regex")) {
    is_regex = true;
    return field<std::string>(p, "Regex", where + ".pattern");
  }
  if (p.contains("String")) {
    is_regex = false;
    return field<std::string>(p, "String", where + ".pattern");
  }
  throw Error("pattern is neither {\"String\": ...} nor {\"Regex\": ...}", where + ".pattern");
}

}  // namespace vlmforge::tokenizer
