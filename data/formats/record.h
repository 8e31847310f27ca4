// The dataset record of DESIGN.md ("Dataset on disk"): one JSON object per line of data.jsonl,
// or one <key>.json beside <key>.jpg in a WebDataset tar shard. Written by `vlmforge synth`,
// read by the trainer and the evaluator. Boxes are [x1, y1, x2, y2] pixel coordinates of the
// stored image with x2/y2 exclusive (x2 = x1 + width).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace vlmforge::data {

struct Turn {
  std::string from;  // "human" or "gpt"
  std::string value;
};

struct QaMeta {
  std::string type;   // extractive, arithmetic, yesno, counting, description, transcription
  std::string field;  // field key or region label the answer comes from
  std::optional<std::array<int, 4>> bbox;  // null when nothing grounds it ("не указано")
};

struct RegionRecord {
  std::array<int, 4> bbox{};
  std::string label;
  std::string text;
};

struct DatasetRecord {
  std::string id;
  std::string image;     // path relative to the dataset folder (or the tar member name)
  std::string doc_type;
  std::string split;     // train / val / test; empty when the source has none
  std::string layout;    // "<doc_type>/<variant>"; empty when unknown
  std::vector<Turn> conversations;  // human/gpt alternating; first human value starts "<image>\n"
  std::vector<QaMeta> qa_meta;      // one per question (per human turn)
  std::vector<RegionRecord> regions;
};

// One JSON line (no trailing newline), keys in DESIGN.md order, UTF-8 unescaped.
std::string to_json_line(const DatasetRecord& r);
// Parses one record; `where` (e.g. "data.jsonl:12") prefixes errors (vlmforge::Error).
DatasetRecord record_from_json(const nlohmann::json& j, const std::string& where);
DatasetRecord record_from_json_text(const std::string& text, const std::string& where);

}  // namespace vlmforge::data
