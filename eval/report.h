// Evaluation outputs: metrics.json (overall, by question type, by document type, baseline),
// predictions.jsonl (one scored record per question) and report.html (eval/report_html.h).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "eval/metrics.h"

namespace vlmforge::eval {

// One evaluated question with everything the report shows.
struct PredictionRecord {
  std::string id;             // sample id (a document may carry several questions)
  std::string image;          // image path as stored in the dataset (relative to its folder)
  std::string doc_type;       // e.g. "invoice"
  std::string question_type;  // e.g. "extractive", "transcription"
  std::string field;          // grounded field, e.g. "seller.inn"; empty if none
  std::vector<double> bbox;   // [x1, y1, x2, y2] in pixels of the stored image; empty if none
  std::string question;
  std::vector<std::string> golds;
  std::string prediction;
  AnswerScores scores;

  // A question counts as failed unless its normalised exact match holds.
  bool failed() const { return scores.exact_match < 1.0; }
};

// Fills record.scores from its prediction and golds.
void score_record(PredictionRecord& record, double anls_threshold = 0.5);

// Scores of a reference predictor (e.g. the trivial baseline) on the same questions.
struct BaselineResult {
  std::string name;  // e.g. "most_frequent_answer_per_question_type"
  MetricBreakdown breakdown;
};

MetricBreakdown breakdown_of(const std::vector<PredictionRecord>& records);

// {"count", "anls_threshold", "overall": {...}, "by_question_type": {type: {...}},
//  "by_doc_type": {type: {...}}, "baseline": null | {"name", "overall", "by_question_type",
//  "by_doc_type"}}; each {...} holds count, anls, exact_match, numeric_match, relaxed_accuracy,
// cer, wer (means over the group's questions).
nlohmann::json metrics_json(const std::vector<PredictionRecord>& records, double anls_threshold,
                            const std::optional<BaselineResult>& baseline = std::nullopt);
nlohmann::json summary_json(const MetricSummary& m);

// Flat (tag, value) pairs of a metrics_json() for TensorBoard / metrics JSONL during training:
// "<prefix>/<metric>" for the overall means, "<prefix>/<metric>/<question type>" per type, and
// "<prefix>/baseline/<metric>" when a baseline is present.
std::vector<std::pair<std::string, double>> metric_scalars(const nlohmann::json& metrics,
                                                           const std::string& prefix = "eval");

nlohmann::json record_json(const PredictionRecord& r);
// Throws vlmforge::Error naming the missing/mistyped key.
PredictionRecord record_from_json(const nlohmann::json& j);

// One JSON object per line, in the order given.
void write_predictions_jsonl(const std::string& path, const std::vector<PredictionRecord>& records);
// Throws vlmforge::Error naming `path:line` for a malformed line, and for an empty file.
std::vector<PredictionRecord> read_predictions_jsonl(const std::string& path);

struct ReportOptions {
  std::string image_root;       // folder the records' image paths are relative to
  int examples = 50;            // examples shown in report.html, failures first
  bool embed_images = false;    // data: URIs (self-contained file) instead of relative links
  double anls_threshold = 0.5;
  std::string title = "vlmforge evaluation";
};

// Writes out_dir/metrics.json, out_dir/predictions.jsonl and out_dir/report.html (atomically,
// each) and returns the metrics JSON. Throws vlmforge::Error on an empty record list.
nlohmann::json write_report(const std::string& out_dir, const std::vector<PredictionRecord>& records,
                            const ReportOptions& options,
                            const std::optional<BaselineResult>& baseline = std::nullopt);

}  // namespace vlmforge::eval
