// Prints vlmforge's metric values for the pairs in a JSONL file, one JSON object per line, so
// tests/reference/eval_metrics_reference.py can compare them with anls / jiwer / rapidfuzz.
//   input line:  {"pred": "...", "golds": ["...", ...]}
//   output line: {"levenshtein": d(pred, golds[0]) over raw code points, "anls": ..., "cer": ...,
//                 "wer": ... (against golds[0]), "exact": ..., "lower": to_lower(pred)}
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "eval/metrics.h"
#include "eval/text.h"

namespace ev = vlmforge::eval;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: eval_metrics_tool PAIRS.jsonl\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  if (!in) {
    std::cerr << "cannot open " << argv[1] << "\n";
    return 2;
  }
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto rec = nlohmann::json::parse(line);
    const std::string pred = rec.at("pred");
    const auto golds = rec.at("golds").get<std::vector<std::string>>();
    nlohmann::json out;
    out["levenshtein"] = golds.empty() ? 0 : ev::levenshtein(ev::utf8_decode(pred), ev::utf8_decode(golds[0]));
    out["anls"] = ev::anls(pred, golds);
    out["cer"] = golds.empty() ? 0.0 : ev::cer(pred, std::string_view(golds[0]));
    out["wer"] = golds.empty() ? 0.0 : ev::wer(pred, std::string_view(golds[0]));
    out["exact"] = ev::exact_match(pred, golds);
    out["lower"] = ev::utf8_encode(ev::to_lower(ev::utf8_decode(pred)));
    // nlohmann prints doubles with enough digits to round-trip.
    std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  }
  return 0;
}
