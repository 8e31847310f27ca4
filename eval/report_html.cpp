#include "eval/report_html.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <map>
#include <numeric>
#include <optional>

#include "eval/image_size.h"
#include "models/core/fs.h"

namespace vlmforge::eval {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Metric columns in table order: key in metrics.json, header, lower-is-better.
struct Column {
  const char* key;
  const char* header;
  bool lower_is_better;
};
const Column kColumns[] = {{"anls", "ANLS", false},          {"exact_match", "EM", false},
                           {"numeric_match", "Numeric", false}, {"relaxed_accuracy", "Relaxed", false},
                           {"cer", "CER", true},             {"wer", "WER", true}};

const char* kStyle = R"(
body{font-family:"DejaVu Sans",Arial,sans-serif;margin:24px;color:#222;background:#fafafa}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:24px 0 8px}
.meta{color:#666;font-size:13px}
table{border-collapse:collapse;font-size:13px;background:#fff}
th,td{border:1px solid #ddd;padding:4px 10px;text-align:right}
th:first-child,td:first-child{text-align:left}th{background:#f0f0f0}
tr.baseline td{color:#777;font-style:italic}
.tables{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}
.ex{display:grid;grid-template-columns:170px 1fr;gap:16px;background:#fff;border:1px solid #ddd;
border-left:6px solid #2e7d32;padding:10px;margin:10px 0;font-size:14px}
.ex.fail{border-left-color:#c62828}
.ex svg{display:block;width:100%;height:auto;border:1px solid #ccc;background:#fff}
.ex svg.zoom{height:96px;width:auto;max-width:100%;margin:6px 0}
.tag{display:inline-block;font-size:11px;color:#555;background:#eee;border-radius:3px;padding:1px 6px;margin-right:4px}
.tag.fail{background:#c62828;color:#fff}.tag.ok{background:#2e7d32;color:#fff}
.q{font-weight:bold;margin:6px 0}.lbl{color:#777;display:inline-block;width:92px}
.pred.fail{color:#c62828}.scores{color:#555;font-size:12px;margin-top:6px}
.missing{color:#c62828;font-size:12px}
)";

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

std::string base64(const std::string& bytes) {
  static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 2]);
    out.push_back(table[(n >> 18) & 63]);
    out.push_back(table[(n >> 12) & 63]);
    out.push_back(i + 1 < bytes.size() ? table[(n >> 6) & 63] : '=');
    out.push_back(i + 2 < bytes.size() ? table[n & 63] : '=');
  }
  return out;
}

// Percent-encodes everything but RFC 3986 unreserved characters and '/', so Cyrillic or spaced
// file names stay valid URLs.
std::string url_path(const std::string& path) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string metric_row(const std::string& name, const json& m, const char* css_class = "") {
  std::string row = std::string("<tr class=\"") + css_class + "\"><td>" + html_escape(name) + "</td><td>" +
                    std::to_string(m.value("count", int64_t{0})) + "</td>";
  for (const auto& c : kColumns) row += "<td>" + fmt(m.value(c.key, 0.0)) + "</td>";
  return row + "</tr>\n";
}

std::string metric_header(const char* first) {
  std::string h = std::string("<tr><th>") + first + "</th><th>n</th>";
  for (const auto& c : kColumns)
    h += std::string("<th title=\"") + (c.lower_is_better ? "lower is better" : "higher is better") +
         "\">" + c.header + "</th>";
  return h + "</tr>\n";
}

// A group table (by question type / by doc type) with the baseline's row under each group.
std::string group_table(const json& metrics, const char* key, const char* first_column, const char* title) {
  std::string t = std::string("<div><h2>") + title + "</h2><table>\n" + metric_header(first_column);
  const json* baseline = metrics.contains("baseline") && metrics["baseline"].is_object()
                             ? &metrics["baseline"][key] : nullptr;
  for (const auto& [name, m] : metrics[key].items()) {
    t += metric_row(name, m);
    if (baseline && baseline->contains(name)) t += metric_row("  baseline", (*baseline)[name], "baseline");
  }
  return t + "</table></div>\n";
}

// How one document image appears in the page: its URL and its pixel size (if readable).
struct PageImage {
  std::string href;
  std::optional<ImageSize> size;
  std::string missing;  // why the image cannot be shown, if it cannot
};

class ImageResolver {
 public:
  ImageResolver(const ReportOptions& options, const std::string& out_dir)
      : options_(options), out_dir_(fs::absolute(out_dir)) {}

  const PageImage& get(const std::string& image) {
    auto it = cache_.find(image);
    if (it != cache_.end()) return it->second;
    PageImage page;
    const fs::path file = fs::absolute(fs::path(options_.image_root) / image);
    page.size = read_image_size(file.string());
    if (image.empty()) {
      page.missing = "no image path in the record";
    } else if (!page.size) {
      page.missing = "image not found or not PNG/JPEG/WebP: " + file.string();
    } else if (options_.embed_images) {
      const std::string bytes = read_file(file.string());
      page.href = "data:" + image_mime_type(bytes) + ";base64," + base64(bytes);
    } else {
      page.href = url_path(fs::relative(file, out_dir_).generic_string());
    }
    return cache_.emplace(image, std::move(page)).first->second;
  }

 private:
  const ReportOptions& options_;
  fs::path out_dir_;
  std::map<std::string, PageImage> cache_;
};

// The page (or the zoom around the box) as an inline SVG: the image in pixel coordinates and the
// box drawn over it, so the overlay stays aligned at any display size.
std::string page_svg(const PageImage& page, const std::vector<double>& bbox, bool zoom) {
  const double w = page.size->width, h = page.size->height;
  double vx = 0, vy = 0, vw = w, vh = h;
  if (zoom) {
    const double bw = bbox[2] - bbox[0], bh = bbox[3] - bbox[1];
    // Context around the box: a few line heights above/below, wider to the sides (labels).
    const double pad_y = std::max(40.0, 1.5 * bh), pad_x = std::max(120.0, 3.0 * bh);
    vx = std::max(0.0, bbox[0] - pad_x);
    vy = std::max(0.0, bbox[1] - pad_y);
    vw = std::min(w, bbox[0] + bw + pad_x) - vx;
    vh = std::min(h, bbox[1] + bh + pad_y) - vy;
  }
  char view[160];
  std::snprintf(view, sizeof view, "%.1f %.1f %.1f %.1f", vx, vy, std::max(vw, 1.0), std::max(vh, 1.0));
  std::string svg = std::string("<svg class=\"") + (zoom ? "zoom" : "page") + "\" viewBox=\"" + view +
                    "\" xmlns=\"http://www.w3.org/2000/svg\">";
  svg += "<image href=\"" + page.href + "\" x=\"0\" y=\"0\" width=\"" + fmt(w) + "\" height=\"" + fmt(h) + "\"/>";
  if (bbox.size() == 4) {
    char rect[256];
    std::snprintf(rect, sizeof rect,
                  "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"rgba(255,193,7,0.18)\" "
                  "stroke=\"#e53935\" stroke-width=\"2.5\" vector-effect=\"non-scaling-stroke\"/>",
                  bbox[0], bbox[1], bbox[2] - bbox[0], bbox[3] - bbox[1]);
    svg += rect;
  }
  return svg + "</svg>";
}

std::string example_html(const PredictionRecord& r, ImageResolver& images) {
  const bool failed = r.failed();
  std::string h = std::string("<div class=\"ex") + (failed ? " fail" : "") + "\" id=\"" + html_escape(r.id) + "\"><div>";
  const PageImage& page = images.get(r.image);
  const bool drawable = page.size && !page.href.empty();
  h += drawable ? page_svg(page, r.bbox, false) : "<div class=\"missing\">" + html_escape(page.missing) + "</div>";
  h += "</div><div>";
  h += std::string("<span class=\"tag ") + (failed ? "fail\">fail" : "ok\">ok") + "</span>";
  for (const auto* tag : {&r.id, &r.doc_type, &r.question_type, &r.field})
    if (!tag->empty()) h += "<span class=\"tag\">" + html_escape(*tag) + "</span>";
  if (drawable && r.bbox.size() == 4) h += page_svg(page, r.bbox, true);
  h += "<div class=\"q\">" + html_escape(r.question) + "</div>";
  std::string golds;
  for (const auto& g : r.golds) golds += (golds.empty() ? "" : " | ") + html_escape(g.empty() ? "∅" : g);
  h += "<div><span class=\"lbl\">gold</span>" + golds + "</div>";
  h += std::string("<div class=\"pred") + (failed ? " fail" : "") + "\"><span class=\"lbl\">predicted</span>" +
       html_escape(r.prediction.empty() ? "∅" : r.prediction) + "</div>";
  h += "<div class=\"scores\">ANLS " + fmt(r.scores.anls) + " · EM " + fmt(r.scores.exact_match) +
       " · numeric " + fmt(r.scores.numeric_match) + " · relaxed " + fmt(r.scores.relaxed_accuracy) +
       " · CER " + fmt(r.scores.cer) + " · WER " + fmt(r.scores.wer) + "</div>";
  return h + "</div></div>\n";
}

}  // namespace

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::vector<size_t> report_order(const std::vector<PredictionRecord>& records) {
  std::vector<size_t> order(records.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const auto& ra = records[a];
    const auto& rb = records[b];
    if (ra.failed() != rb.failed()) return ra.failed();
    return ra.scores.anls < rb.scores.anls;
  });
  return order;
}

std::string render_report_html(const std::vector<PredictionRecord>& records, const json& metrics,
                               const ReportOptions& options, const std::string& out_dir) {
  std::string h = "<!DOCTYPE html>\n<html lang=\"ru\"><head><meta charset=\"utf-8\"><title>" +
                  html_escape(options.title) + "</title><style>" + kStyle + "</style></head><body>\n";
  size_t failures = 0;
  for (const auto& r : records) failures += r.failed();
  h += "<h1>" + html_escape(options.title) + "</h1><div class=\"meta\">" + std::to_string(records.size()) +
       " questions · " + std::to_string(failures) + " not exactly matched · ANLS threshold " +
       fmt(options.anls_threshold) + "</div>\n";

  h += "<h2>Overall</h2><table>\n" + metric_header("model") + metric_row("this checkpoint", metrics["overall"]);
  if (metrics.contains("baseline") && metrics["baseline"].is_object())
    h += metric_row(metrics["baseline"].value("name", "baseline"), metrics["baseline"]["overall"], "baseline");
  h += "</table>\n<div class=\"tables\">" + group_table(metrics, "by_question_type", "question type", "By question type") +
       group_table(metrics, "by_doc_type", "document type", "By document type") + "</div>\n";

  const std::vector<size_t> order = report_order(records);
  const size_t shown = std::min(order.size(), static_cast<size_t>(std::max(options.examples, 0)));
  h += "<h2>Examples (" + std::to_string(shown) + " of " + std::to_string(records.size()) +
       ", failures first)</h2>\n";
  ImageResolver images(options, out_dir);
  for (size_t i = 0; i < shown; ++i) h += example_html(records[order[i]], images);
  return h + "</body></html>\n";
}

}  // namespace vlmforge::eval
