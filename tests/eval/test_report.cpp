// report.{h,cpp}, report_html, baseline and image_size on a small synthetic record set whose
// metric values are worked out by hand below.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <vector>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>

#include "eval/baseline.h"
#include "eval/image_size.h"
#include "eval/report.h"
#include "eval/report_html.h"
#include "models/core/error.h"
#include "models/core/fs.h"

namespace ev = vlmforge::eval;
namespace fs = std::filesystem;

namespace {

fs::path temp_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("vlmforge_eval_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// A white "page" with dark bars standing in for text lines.
std::vector<unsigned char> page_pixels(int w, int h) {
  std::vector<unsigned char> px(static_cast<size_t>(w) * h * 3, 255);
  for (int y = 20; y + 8 < h; y += 24)
    for (int x = 16; x < w - 16 - (y % 50); ++x)
      for (int k = 0; k < 8; ++k)
        for (int c = 0; c < 3; ++c) px[(static_cast<size_t>(y + k) * w + x) * 3 + c] = 40;
  return px;
}

ev::PredictionRecord record(const std::string& id, const std::string& image, const std::string& doc_type,
                            const std::string& type, std::vector<std::string> golds, const std::string& pred) {
  ev::PredictionRecord r;
  r.id = id;
  r.image = image;
  r.doc_type = doc_type;
  r.question_type = type;
  r.field = "seller.inn";
  r.bbox = {40, 30, 200, 60};
  r.question = "Какой ИНН продавца?";
  r.golds = std::move(golds);
  r.prediction = pred;
  ev::score_record(r);
  return r;
}

// Four questions; per-question ANLS / EM:
//   a  "7707083893" vs "7707083893"          ANLS 1     EM 1
//   b  "Ромашка" vs "ООО «Ромашка»"          NL 6/13 -> ANLS 7/13, EM 0
//   c  "3" vs "4"                            ANLS 0     EM 0
//   d  "ёлка" vs "Ёлка"                       ANLS 1     EM 1
std::vector<ev::PredictionRecord> sample_records() {
  return {record("a", "images/p1.png", "invoice", "extractive", {"7707083893"}, "7707083893"),
          record("b", "images/p1.png", "invoice", "extractive", {"ООО «Ромашка»"}, "Ромашка"),
          record("c", "images/p2.jpg", "act", "counting", {"4"}, "3"),
          record("d", "images/p2.jpg", "act", "transcription", {"Ёлка"}, "ёлка")};
}

}  // namespace

TEST(EvalImageSize, ReadsPngAndJpegHeaders) {
  const fs::path dir = temp_dir("size");
  const auto px = page_pixels(123, 77);
  ASSERT_TRUE(stbi_write_png((dir / "a.png").c_str(), 123, 77, 3, px.data(), 123 * 3));
  ASSERT_TRUE(stbi_write_jpg((dir / "a.jpg").c_str(), 123, 77, 3, px.data(), 90));
  for (const char* name : {"a.png", "a.jpg"}) {
    const auto size = ev::read_image_size((dir / name).string());
    ASSERT_TRUE(size) << name;
    EXPECT_EQ(size->width, 123) << name;
    EXPECT_EQ(size->height, 77) << name;
  }
  EXPECT_FALSE(ev::read_image_size((dir / "missing.png").string()));
  vlmforge::write_file_atomic((dir / "junk.png").string(), std::string("not an image"));
  EXPECT_FALSE(ev::read_image_size((dir / "junk.png").string()));
  fs::remove_all(dir);
}

TEST(EvalBaseline, MostFrequentAnswerPerQuestionType) {
  ev::MostFrequentAnswerBaseline b;
  b.add("counting", "3");
  b.add("counting", "4");
  b.add("counting", "4.");  // same answer as "4" after normalisation
  b.add("yesno", "Да");
  b.add("yesno", "нет");
  EXPECT_EQ(b.predict("counting"), "4");
  EXPECT_EQ(b.predict("yesno"), "Да");  // tie: first seen
  EXPECT_EQ(b.predict("extractive"), "4");  // unseen type: most frequent overall
  const auto result = b.evaluate(sample_records());
  // Baseline answers: extractive -> "4" (a: 0, b: 0), counting -> "4" (c: 1), transcription -> "4" (d: 0).
  const auto overall = result.breakdown.overall();
  EXPECT_EQ(overall.count, 4);
  EXPECT_DOUBLE_EQ(overall.mean.exact_match, 0.25);
  EXPECT_DOUBLE_EQ(overall.mean.anls, 0.25);
  EXPECT_DOUBLE_EQ(result.breakdown.by_question_type().at("counting").mean.exact_match, 1.0);
}

TEST(EvalReport, WritesMetricsPredictionsAndHtml) {
  const fs::path root = temp_dir("report");
  const fs::path data = root / "data";
  fs::create_directories(data / "images");
  const auto px = page_pixels(320, 240);
  ASSERT_TRUE(stbi_write_png((data / "images/p1.png").c_str(), 320, 240, 3, px.data(), 320 * 3));
  ASSERT_TRUE(stbi_write_jpg((data / "images/p2.jpg").c_str(), 320, 240, 3, px.data(), 90));

  const auto records = sample_records();
  ev::MostFrequentAnswerBaseline baseline;
  baseline.add("counting", "4");
  ev::ReportOptions options;
  options.image_root = data.string();
  const auto metrics = ev::write_report((root / "out").string(), records, options, baseline.evaluate(records));

  // metrics.json as written to disk.
  const auto j = nlohmann::json::parse(vlmforge::read_file((root / "out/metrics.json").string()));
  EXPECT_EQ(j, metrics);
  EXPECT_EQ(j["count"], 4);
  EXPECT_DOUBLE_EQ(j["overall"]["anls"].get<double>(), (1.0 + 7.0 / 13.0 + 0.0 + 1.0) / 4.0);
  EXPECT_DOUBLE_EQ(j["overall"]["exact_match"].get<double>(), 0.5);
  EXPECT_EQ(j["by_question_type"]["extractive"]["count"], 2);
  EXPECT_DOUBLE_EQ(j["by_question_type"]["extractive"]["anls"].get<double>(), (1.0 + 7.0 / 13.0) / 2.0);
  EXPECT_DOUBLE_EQ(j["by_doc_type"]["act"]["exact_match"].get<double>(), 0.5);
  // CER of c: 1/1; of b: "Ромашка" vs "ООО «Ромашка»" = 6 deletions / 13.
  EXPECT_DOUBLE_EQ(j["by_doc_type"]["invoice"]["cer"].get<double>(), (0.0 + 6.0 / 13.0) / 2.0);
  EXPECT_EQ(j["baseline"]["name"], ev::MostFrequentAnswerBaseline::kName);
  EXPECT_DOUBLE_EQ(j["baseline"]["overall"]["exact_match"].get<double>(), 0.25);

  // Flat scalars for TensorBoard.
  const auto scalars = ev::metric_scalars(j);
  const auto find = [&](const std::string& tag) {
    for (const auto& [t, v] : scalars)
      if (t == tag) return v;
    return -1.0;
  };
  EXPECT_EQ(scalars.size(), 6u * (1 + 3 + 1));  // overall + 3 question types + baseline
  EXPECT_DOUBLE_EQ(find("eval/exact_match"), 0.5);
  EXPECT_DOUBLE_EQ(find("eval/anls/extractive"), (1.0 + 7.0 / 13.0) / 2.0);
  EXPECT_DOUBLE_EQ(find("eval/baseline/exact_match"), 0.25);

  // predictions.jsonl round-trips.
  const auto back = ev::read_predictions_jsonl((root / "out/predictions.jsonl").string());
  ASSERT_EQ(back.size(), records.size());
  for (size_t i = 0; i < back.size(); ++i) {
    EXPECT_EQ(back[i].id, records[i].id);
    EXPECT_EQ(back[i].golds, records[i].golds);
    EXPECT_EQ(back[i].prediction, records[i].prediction);
    EXPECT_EQ(back[i].bbox, records[i].bbox);
    EXPECT_DOUBLE_EQ(back[i].scores.anls, records[i].scores.anls);
  }

  // report.html: failures first (c has ANLS 0, then b), images linked relative to out/, boxes drawn.
  const std::string html = vlmforge::read_file((root / "out/report.html").string());
  const auto pos = [&](const std::string& id) { return html.find("id=\"" + id + "\""); };
  ASSERT_NE(pos("a"), std::string::npos);
  EXPECT_LT(pos("c"), pos("b"));
  EXPECT_LT(pos("b"), pos("a"));
  EXPECT_LT(pos("b"), pos("d"));
  EXPECT_NE(html.find("href=\"../data/images/p1.png\""), std::string::npos);
  EXPECT_NE(html.find("<rect x=\"40.0\" y=\"30.0\" width=\"160.0\" height=\"30.0\""), std::string::npos);
  EXPECT_NE(html.find("ООО «Ромашка»"), std::string::npos);
  EXPECT_NE(html.find("most_frequent_answer_per_question_type"), std::string::npos);

  // Embedded images make the page self-contained.
  options.embed_images = true;
  ev::write_report((root / "embedded").string(), records, options);
  const std::string embedded = vlmforge::read_file((root / "embedded/report.html").string());
  EXPECT_NE(embedded.find("href=\"data:image/png;base64,iVBORw0KGgo"), std::string::npos);
  EXPECT_NE(embedded.find("href=\"data:image/jpeg;base64,/9j/"), std::string::npos);
  fs::remove_all(root);
}

TEST(EvalReport, ClearErrorsOnBadInput) {
  const fs::path dir = temp_dir("bad");
  ev::ReportOptions options;
  EXPECT_THROW(ev::write_report((dir / "out").string(), {}, options), vlmforge::Error);

  const std::string path = (dir / "predictions.jsonl").string();
  vlmforge::write_file_atomic(path, std::string("{\"id\":\"a\",\"answers\":[\"1\"],\"prediction\":\"1\"}\n{\"id\": \"b\", oops\n"));
  try {
    ev::read_predictions_jsonl(path);
    FAIL() << "a malformed line must throw";
  } catch (const vlmforge::Error& e) {
    EXPECT_NE(std::string(e.what()).find(path + ":2"), std::string::npos) << e.what();
  }
  vlmforge::write_file_atomic(path, std::string("{\"id\":\"a\",\"answers\":\"1\",\"prediction\":\"1\"}\n"));
  try {
    ev::read_predictions_jsonl(path);
    FAIL() << "a mistyped key must throw";
  } catch (const vlmforge::Error& e) {
    EXPECT_NE(std::string(e.what()).find(path + ":1"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("answers"), std::string::npos) << e.what();
  }
  vlmforge::write_file_atomic(path, std::string("\n"));
  EXPECT_THROW(ev::read_predictions_jsonl(path), vlmforge::Error);
  EXPECT_THROW(ev::read_predictions_jsonl((dir / "nope.jsonl").string()), vlmforge::Error);
  fs::remove_all(dir);
}
