#include "eval/report.h"

#include <filesystem>
#include <fstream>

#include "eval/report_html.h"
#include "models/core/error.h"
#include "models/core/fs.h"

namespace vlmforge::eval {

namespace {

using nlohmann::json;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json scores_json(const AnswerScores& s) {
  return {{"anls", s.anls},
          {"exact_match", s.exact_match},
          {"numeric_match", s.numeric_match},
          {"relaxed_accuracy", s.relaxed_accuracy},
          {"cer", s.cer},
          {"wer", s.wer}};
}

json breakdown_json(const MetricBreakdown& b) {
  json j;
  j["overall"] = summary_json(b.overall());
  j["by_question_type"] = json::object();
  for (const auto& [k, v] : b.by_question_type()) j["by_question_type"][k] = summary_json(v);
  j["by_doc_type"] = json::object();
  for (const auto& [k, v] : b.by_doc_type()) j["by_doc_type"][k] = summary_json(v);
  return j;
}

template <class T>
T get_key(const json& j, const char* key, bool required) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) throw Error(std::string("missing key '") + key + "'");
    return T{};
  }
  try {
    return it->get<T>();
  } catch (const json::exception&) {
    throw Error(std::string("key '") + key + "' has the wrong type (" + it->type_name() + ")");
  }
}

}  // namespace

void score_record(PredictionRecord& record, double anls_threshold) {
  record.scores = score_answer(record.prediction, record.golds, anls_threshold);
}

MetricBreakdown breakdown_of(const std::vector<PredictionRecord>& records) {
  MetricBreakdown b;
  for (const auto& r : records) b.add(r.question_type, r.doc_type, r.scores);
  return b;
}

json summary_json(const MetricSummary& m) {
  json j = scores_json(m.mean);
  j["count"] = m.count;
  return j;
}

std::vector<std::pair<std::string, double>> metric_scalars(const json& metrics, const std::string& prefix) {
  std::vector<std::pair<std::string, double>> out;
  const auto add_means = [&](const json& summary, const std::string& tag_prefix, const std::string& suffix) {
    for (const auto& [metric, value] : summary.items())
      if (metric != "count" && value.is_number()) out.emplace_back(tag_prefix + metric + suffix, value.get<double>());
  };
  add_means(metrics.at("overall"), prefix + "/", "");
  for (const auto& [type, summary] : metrics.at("by_question_type").items()) add_means(summary, prefix + "/", "/" + type);
  if (metrics.contains("baseline") && metrics["baseline"].is_object())
    add_means(metrics["baseline"].at("overall"), prefix + "/baseline/", "");
  return out;
}

json metrics_json(const std::vector<PredictionRecord>& records, double anls_threshold,
                  const std::optional<BaselineResult>& baseline) {
  json j = breakdown_json(breakdown_of(records));
  j["count"] = records.size();
  j["anls_threshold"] = anls_threshold;
  if (baseline) {
    json b = breakdown_json(baseline->breakdown);
    b["name"] = baseline->name;
    j["baseline"] = b;
  } else {
    j["baseline"] = nullptr;
  }
  return j;
}

json record_json(const PredictionRecord& r) {
  return {{"id", r.id},
          {"image", r.image},
          {"doc_type", r.doc_type},
          {"question_type", r.question_type},
          {"field", r.field},
          {"bbox", r.bbox},
          {"question", r.question},
          {"answers", r.golds},
          {"prediction", r.prediction},
          {"scores", scores_json(r.scores)}};
}

PredictionRecord record_from_json(const json& j) {
  if (!j.is_object()) throw Error("a prediction record must be a JSON object, got " + std::string(j.type_name()));
  PredictionRecord r;
  r.id = get_key<std::string>(j, "id", true);
  r.image = get_key<std::string>(j, "image", false);
  r.doc_type = get_key<std::string>(j, "doc_type", false);
  r.question_type = get_key<std::string>(j, "question_type", false);
  r.field = get_key<std::string>(j, "field", false);
  r.bbox = get_key<std::vector<double>>(j, "bbox", false);
  if (!r.bbox.empty() && r.bbox.size() != 4)
    throw Error("key 'bbox' must hold 4 numbers [x1, y1, x2, y2], got " + std::to_string(r.bbox.size()));
  r.question = get_key<std::string>(j, "question", false);
  r.golds = get_key<std::vector<std::string>>(j, "answers", true);
  r.prediction = get_key<std::string>(j, "prediction", true);
  const json scores = get_key<json>(j, "scores", false);
  if (scores.is_object()) {
    r.scores.anls = get_key<double>(scores, "anls", true);
    r.scores.exact_match = get_key<double>(scores, "exact_match", true);
    r.scores.numeric_match = get_key<double>(scores, "numeric_match", true);
    r.scores.relaxed_accuracy = get_key<double>(scores, "relaxed_accuracy", true);
    r.scores.cer = get_key<double>(scores, "cer", true);
    r.scores.wer = get_key<double>(scores, "wer", true);
  }
  return r;
}

void write_predictions_jsonl(const std::string& path, const std::vector<PredictionRecord>& records) {
  std::string text;
  for (const auto& r : records) text += dump(record_json(r)) + "\n";
  write_file_atomic(path, text);
}

std::vector<PredictionRecord> read_predictions_jsonl(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error("cannot open the predictions file", path, "check the path");
  std::vector<PredictionRecord> records;
  std::string line;
  int64_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = path + ":" + std::to_string(line_no);
    json j;
    try {
      j = json::parse(line);
    } catch (const json::parse_error& e) {
      throw Error(std::string("malformed JSON: ") + e.what(), where, "one JSON object per line");
    }
    try {
      records.push_back(record_from_json(j));
    } catch (const Error& e) {
      throw e.with_context(where);
    }
  }
  if (records.empty()) throw Error("no prediction records", path, "the file is empty");
  return records;
}

json write_report(const std::string& out_dir, const std::vector<PredictionRecord>& records,
                  const ReportOptions& options, const std::optional<BaselineResult>& baseline) {
  if (records.empty())
    throw Error("nothing to report: the evaluation produced no predictions", out_dir,
                "check that the dataset has questions (eval.data) and eval.limit");
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) throw Error("cannot create the output folder: " + ec.message(), out_dir);
  const json metrics = metrics_json(records, options.anls_threshold, baseline);
  write_file_atomic(out_dir + "/metrics.json", metrics.dump(2, ' ', false, json::error_handler_t::replace) + "\n");
  write_predictions_jsonl(out_dir + "/predictions.jsonl", records);
  write_file_atomic(out_dir + "/report.html", render_report_html(records, metrics, options, out_dir));
  return metrics;
}

}  // namespace vlmforge::eval
