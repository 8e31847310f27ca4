// Scores a predictions file and writes metrics.json / predictions.jsonl / report.html — the
// library path `vlmforge eval` takes after generation, usable on its own for demos and checks.
//   eval_report_tool PREDICTIONS.jsonl IMAGE_ROOT OUT_DIR [--embed] [--baseline TRAIN.jsonl]
// TRAIN.jsonl: {"question_type": ..., "answer": ...} per line (training answers for the
// most-frequent-answer baseline).
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "eval/baseline.h"
#include "eval/report.h"
#include "models/core/error.h"

namespace ev = vlmforge::eval;

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: eval_report_tool PREDICTIONS.jsonl IMAGE_ROOT OUT_DIR [--embed] [--baseline TRAIN.jsonl]\n";
    return 2;
  }
  try {
    ev::ReportOptions options;
    options.image_root = argv[2];
    std::optional<ev::BaselineResult> baseline;
    auto records = ev::read_predictions_jsonl(argv[1]);
    for (auto& r : records) ev::score_record(r, options.anls_threshold);
    for (int i = 4; i < argc; ++i) {
      const std::string a = argv[i];
      if (a == "--embed") {
        options.embed_images = true;
      } else if (a == "--baseline" && i + 1 < argc) {
        ev::MostFrequentAnswerBaseline b;
        std::ifstream in(argv[++i]);
        for (std::string line; std::getline(in, line);) {
          if (line.empty()) continue;
          const auto j = nlohmann::json::parse(line);
          b.add(j.at("question_type"), j.at("answer"));
        }
        baseline = b.evaluate(records, options.anls_threshold);
      }
    }
    const auto metrics = ev::write_report(argv[3], records, options, baseline);
    std::cout << "anls=" << metrics["overall"]["anls"].get<double>();
    if (baseline) std::cout << " baseline=" << metrics["baseline"]["overall"]["anls"].get<double>();
    std::cout << "\n";
  } catch (const vlmforge::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
