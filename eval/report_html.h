// report.html: one self-contained page (inline CSS, no scripts) with the metric tables and
// examples, failures first; every example shows its document page with the grounded box drawn
// as an SVG overlay, a zoom on the box, the question, the gold answers and the prediction.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "eval/report.h"

namespace vlmforge::eval {

// `metrics` is metrics_json()'s output; `out_dir` is where the page will live (image links are
// made relative to it unless options.embed_images).
std::string render_report_html(const std::vector<PredictionRecord>& records, const nlohmann::json& metrics,
                               const ReportOptions& options, const std::string& out_dir);

// Examples in report order: failed first, then by ANLS ascending, then by input order.
std::vector<size_t> report_order(const std::vector<PredictionRecord>& records);

std::string html_escape(const std::string& text);

}  // namespace vlmforge::eval
