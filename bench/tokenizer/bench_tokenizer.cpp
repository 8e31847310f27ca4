// Encode throughput of a vlmforge tokenizer on a JSON-lines corpus (one JSON string per line),
// single thread. Prints one JSON object: load seconds, encode seconds, bytes, MB/s, tokens.
// Driven by bench_tokenizer.py, which runs Hugging Face tokenizers on the same corpus.
//
//   bench_tokenizer TOKENIZER CORPUS.jsonl [--passes N]
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "data/tokenizer/tokenizer.h"
#include "models/core/error.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_tokenizer TOKENIZER CORPUS.jsonl [--passes N]\n");
    return 2;
  }
  int passes = 1;
  if (argc >= 5 && std::string(argv[3]) == "--passes") passes = std::stoi(argv[4]);
  try {
    std::vector<std::string> lines;
    size_t bytes = 0;
    {
      std::ifstream in(argv[2]);
      std::string line;
      while (std::getline(in, line)) {
        lines.push_back(nlohmann::json::parse(line).get<std::string>());
        bytes += lines.back().size();
      }
    }
    using clock = std::chrono::steady_clock;
    auto t0 = clock::now();
    auto tok = vlmforge::tokenizer::load_tokenizer(argv[1]);
    auto t1 = clock::now();
    // Each pass is timed separately: pass 1 starts with an empty word cache.
    std::vector<double> secs;
    size_t tokens = 0;
    for (int p = 0; p < passes; ++p) {
      tokens = 0;
      auto a = clock::now();
      for (const auto& s : lines) tokens += tok->encode(s, false).size();
      secs.push_back(std::chrono::duration<double>(clock::now() - a).count());
    }
    nlohmann::json out = {{"load_s", std::chrono::duration<double>(t1 - t0).count()},
                          {"encode_s", secs},
                          {"bytes", bytes},
                          {"lines", lines.size()},
                          {"tokens", tokens},
                          {"mb_per_s", bytes / 1e6 / secs[0]}};
    std::printf("%s\n", out.dump().c_str());
  } catch (const vlmforge::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
