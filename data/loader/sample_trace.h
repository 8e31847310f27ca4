// Debug trace of the data stream: when VLMFORGE_TRACE_SAMPLES=DIR is set, each rank appends one
// line per micro-batch to DIR/samples_rank<R>.txt:
//   <step> <block> <sample id> <sample id> ...
// step = optimizer step index (0-based), block = k·W + r = the micro-batch's block of the step's
// global batch (data/loader/sampler.h). Sorting all ranks' lines by (step, block) gives the
// global sample sequence, which must not depend on how the global batch is split over ranks.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace vlmforge::data {

class SampleTrace {
 public:
  explicit SampleTrace(int rank) {
    const char* dir = std::getenv("VLMFORGE_TRACE_SAMPLES");
    if (!dir || !*dir) return;
    const std::string path = std::string(dir) + "/samples_rank" + std::to_string(rank) + ".txt";
    file_.reset(std::fopen(path.c_str(), "a"));
  }
  void add(int64_t step, int64_t block, const std::vector<std::string>& sample_ids) {
    if (!file_) return;
    std::string line = std::to_string(step) + " " + std::to_string(block);
    for (const auto& id : sample_ids) line += " " + id;
    line += "\n";
    std::fputs(line.c_str(), file_.get());
    std::fflush(file_.get());
  }

 private:
  struct Close {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Close> file_;
};

}  // namespace vlmforge::data
