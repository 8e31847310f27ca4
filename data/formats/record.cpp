#include "data/formats/record.h"

#include "models/core/error.h"

namespace vlmforge::data {
namespace {

using ojson = nlohmann::ordered_json;

ojson box_json(const std::array<int, 4>& b) { return ojson::array({b[0], b[1], b[2], b[3]}); }

std::array<int, 4> box_from(const nlohmann::json& j, const std::string& where) {
  if (!j.is_array() || j.size() != 4) throw Error("bbox must be an array of 4 integers", where);
  std::array<int, 4> b{};
  for (size_t i = 0; i < 4; ++i) {
    if (!j[i].is_number()) throw Error("bbox must be an array of 4 integers", where);
    b[i] = j[i].get<int>();
  }
  return b;
}

std::string str(const nlohmann::json& j, const char* key, const std::string& where, bool required) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) throw Error(std::string("missing key '") + key + "'", where);
    return {};
  }
  if (!it->is_string()) throw Error(std::string("key '") + key + "' must be a string", where);
  return it->get<std::string>();
}

}  // namespace

std::string to_json_line(const DatasetRecord& r) {
  ojson j;
  j["id"] = r.id;
  j["image"] = r.image;
  j["doc_type"] = r.doc_type;
  if (!r.split.empty()) j["split"] = r.split;
  if (!r.layout.empty()) j["layout"] = r.layout;
  ojson conv = ojson::array();
  for (const auto& t : r.conversations) conv.push_back(ojson{{"from", t.from}, {"value", t.value}});
  j["conversations"] = std::move(conv);
  ojson meta = ojson::array();
  for (const auto& m : r.qa_meta) {
    ojson e{{"type", m.type}, {"field", m.field}};
    e["bbox"] = m.bbox ? box_json(*m.bbox) : ojson(nullptr);
    meta.push_back(std::move(e));
  }
  j["qa_meta"] = std::move(meta);
  ojson regions = ojson::array();
  for (const auto& g : r.regions)
    regions.push_back(ojson{{"bbox", box_json(g.bbox)}, {"label", g.label}, {"text", g.text}});
  j["regions"] = std::move(regions);
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
}

DatasetRecord record_from_json(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) throw Error("record must be a JSON object", where);
  DatasetRecord r;
  r.id = str(j, "id", where, false);
  r.image = str(j, "image", where, true);
  r.doc_type = str(j, "doc_type", where, false);
  r.split = str(j, "split", where, false);
  r.layout = str(j, "layout", where, false);
  auto conv = j.find("conversations");
  if (conv == j.end() || !conv->is_array()) throw Error("missing array 'conversations'", where);
  for (size_t i = 0; i < conv->size(); ++i) {
    const std::string w = where + " conversations[" + std::to_string(i) + "]";
    r.conversations.push_back({str((*conv)[i], "from", w, true), str((*conv)[i], "value", w, true)});
  }
  if (auto meta = j.find("qa_meta"); meta != j.end() && meta->is_array()) {
    for (size_t i = 0; i < meta->size(); ++i) {
      const std::string w = where + " qa_meta[" + std::to_string(i) + "]";
      QaMeta m;
      m.type = str((*meta)[i], "type", w, false);
      m.field = str((*meta)[i], "field", w, false);
      if (auto b = (*meta)[i].find("bbox"); b != (*meta)[i].end() && !b->is_null()) m.bbox = box_from(*b, w);
      r.qa_meta.push_back(std::move(m));
    }
  }
  if (auto regions = j.find("regions"); regions != j.end() && regions->is_array()) {
    for (size_t i = 0; i < regions->size(); ++i) {
      const std::string w = where + " regions[" + std::to_string(i) + "]";
      const auto& g = (*regions)[i];
      auto b = g.find("bbox");
      if (b == g.end()) throw Error("missing key 'bbox'", w);
      r.regions.push_back({box_from(*b, w), str(g, "label", w, false), str(g, "text", w, false)});
    }
  }
  return r;
}

DatasetRecord record_from_json_text(const std::string& text, const std::string& where) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("invalid JSON: ") + e.what(), where);
  }
  return record_from_json(j, where);
}

}  // namespace vlmforge::data
