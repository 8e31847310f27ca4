// Synthesis speed: documents per second per core at 1240x1754 (A4, 150 dpi) with the default
// degradation (SynthConfig defaults = configs/synth/ru_docs.yaml), and the peak resident memory.
//
// What runs is the real `vlmforge synth` path, write_dataset(): render + degrade + questions +
// JPEG encode in the worker, JSONL record + image file write in the writer thread, into a
// temporary folder. The rate is documents / process CPU time (user + system, all threads), so on
// a shared machine other processes' time slices do not count; OpenCV's own threads are off
// (write_dataset calls cv::setNumThreads(1)). The per-stage figures are each stage's thread CPU
// time, summed by write_dataset (WriteStats::cpu_ms).
//
//   bench_synth [--docs N] [--workers W] [--seed S] [--repeat R]
//
// --workers 1 (default) is the per-core figure; with W > 1 the CPU-time rate is still per core and
// the wall rate shows the scaling. --repeat R runs R times and reports the fastest CPU time.
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include "synth/dataset.h"

using namespace vlmforge::synth;

// User + system CPU seconds of the whole process (all threads, file writes included).
static double process_cpu_s() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec * 1e-6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec * 1e-6;
}

static double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024.0;  // Linux reports KiB
}

int main(int argc, char** argv) {
  std::map<std::string, std::string> opt = {{"--docs", "300"}, {"--workers", "1"}, {"--seed", "1"}, {"--repeat", "1"}};
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!opt.count(argv[i])) {
      std::fprintf(stderr, "unknown option %s\nusage: bench_synth [--docs N] [--workers W] [--seed S] [--repeat R]\n", argv[i]);
      return 2;
    }
    opt[argv[i]] = argv[i + 1];
  }
  SynthConfig cfg;  // defaults are configs/synth/ru_docs.yaml
  cfg.seed = std::atoll(opt["--seed"].c_str());
  cfg.num = std::atoi(opt["--docs"].c_str());
  cfg.workers = std::atoi(opt["--workers"].c_str());
  const int repeat = std::max(1, std::atoi(opt["--repeat"].c_str()));
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("bench_synth_" + std::to_string(::getpid()))).string();

  double best_cpu = 1e30;
  WriteStats best;
  for (int r = 0; r < repeat; ++r) {
    const double c0 = process_cpu_s();
    const WriteStats st = write_dataset(cfg, dir, false);
    const double cpu = process_cpu_s() - c0;
    uintmax_t bytes = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir + "/images")) bytes += e.file_size();
    std::filesystem::remove_all(dir);
    std::printf("run %d: %.2f ms CPU/doc, wall %.1f docs/s, mean JPEG %.0f KiB\n", r + 1,
                1e3 * cpu / st.documents, st.documents / st.seconds, bytes / 1024.0 / st.documents);
    if (cpu < best_cpu) best_cpu = cpu, best = st;
  }
  const double n = static_cast<double>(best.documents);
  const StageTimes& t = best.cpu_ms;
  std::printf("vlmforge synth path (write_dataset), %lld documents %dx%d, default degradation, %d worker(s):\n",
              static_cast<long long>(best.documents), cfg.image_width, cfg.image_height, cfg.workers);
  std::printf("  render   %6.2f ms CPU/doc\n  degrade  %6.2f ms CPU/doc\n  qa       %6.2f ms CPU/doc\n"
              "  jpeg     %6.2f ms CPU/doc\n  write    %6.2f ms CPU/doc (record + file, writer thread)\n",
              t.render / n, t.degrade / n, t.qa / n, t.encode / n, t.write / n);
  std::printf("  process  %6.2f ms CPU/doc (all threads, user+sys) -> %.1f docs/s/core (target 50, ratio %.2f)\n",
              1e3 * best_cpu / n, n / best_cpu, n / best_cpu / 50.0);
  std::printf("  wall     %.1f docs/s with %d worker(s) (shared machine: indicative only)\n", n / best.seconds,
              cfg.workers);
  std::printf("peak RSS %.0f MiB\n", peak_rss_mib());
  return 0;
}
