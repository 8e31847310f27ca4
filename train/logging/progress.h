// Training progress for people: on a terminal one line redrawn in place
//   [██████░░░░░░░░░░]  1200/5000  loss 2.3456  lr 1.00e-04  12.3 samples/s  4.52k tok/s  ETA 0:12:34
// and, when stdout is not a terminal (CI, nohup, Slurm logs), the same fields as plain lines
// every `every` steps.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace vlmforge::train {

struct ProgressStats {
  int64_t step = 0;    // steps done
  int64_t total = 0;   // steps planned (0 = unknown: no bar, no ETA)
  double loss = 0.0;
  double lr = 0.0;
  double samples_per_s = 0.0;
  double tokens_per_s = 0.0;
  double eta_s = -1.0;  // < 0 = unknown
};

// "1:02:03" (h:mm:ss), "2d 3:04:05" past a day, "?" when unknown.
std::string format_duration(double seconds);
// 4520 -> "4.52k", 1.2e6 -> "1.20M", 12.3 -> "12.3".
std::string format_rate(double per_second);
// The fields without the bar: "1200/5000  loss 2.3456  lr 1.00e-04  12.3 samples/s  ...".
std::string format_progress_fields(const ProgressStats& s);
// Bar + fields for a terminal line `width` columns wide (the bar shrinks to fit).
std::string format_progress_bar(const ProgressStats& s, int width);

class ProgressBar {
 public:
  // `start_step` > 0 for a resumed run (rates and ETA count steps done in this process only).
  // `tty` < 0 asks isatty(out); 0/1 forces plain lines / the bar.
  ProgressBar(int64_t total, int64_t start_step = 0, std::FILE* out = stdout, int tty = -1, int64_t every = 10);

  // Called once per optimiser step with that step's loss, lr and how many samples/tokens it saw.
  void update(int64_t step, double loss, double lr, int64_t samples, int64_t tokens);
  // Prints a line that must not be overwritten (validation results, warnings).
  void message(const std::string& text);
  // Ends the bar's line.
  void finish();

  ProgressStats stats() const { return stats_; }

 private:
  using Clock = std::chrono::steady_clock;
  std::FILE* out_;
  bool tty_;
  int64_t every_;
  int64_t start_step_;
  Clock::time_point start_;
  ProgressStats stats_;
  int64_t samples_ = 0, tokens_ = 0;
  bool line_open_ = false;
};

}  // namespace vlmforge::train
