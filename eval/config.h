// Configuration of `vlmforge eval` (root key `eval`).
#pragma once

#include <cstdint>
#include <string>

namespace vlmforge {

struct EvalConfig {
  std::string data = "";       // dataset folder to evaluate on
  std::string out = "";        // output folder (metrics.json, predictions.jsonl, report.html)
  int64_t limit = 0;           // 0 = all samples
  int batch_size = 8;
  int max_new_tokens = 64;
  double anls_threshold = 0.5;  // DocVQA: answers with normalised distance >= threshold score 0
  int report_examples = 50;     // examples shown in report.html (failures first)

  template <class V>
  void visit(V& v) {
    v("data", data, "dataset folder to evaluate on");
    v("out", out, "output folder; empty = <checkpoint>/eval");
    v("limit", limit, "evaluate at most this many samples (0 = all)");
    v("batch_size", batch_size, "samples generated together (left-padded, KV cache)");
    v("max_new_tokens", max_new_tokens, "generation length limit per answer");
    v("anls_threshold", anls_threshold, "ANLS threshold tau (DocVQA uses 0.5)");
    v("report_examples", report_examples, "examples shown in report.html, failures first");
  }
};

}  // namespace vlmforge
