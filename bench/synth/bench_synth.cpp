// Synthesis speed: documents per second per core at 1240x1754 (A4, 150 dpi) with the default
// degradation, JPEG encoding included, and the peak resident memory. Single-threaded stage
// breakdown (render / degrade / questions / encode) first, then the full dataset writer with W
// workers (writes to a temporary folder). Prints the figures and the ratio to the 50 docs/s/core
// target.
//
//   bench_synth [--docs N] [--workers W] [--seed S]
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include <opencv2/core/utility.hpp>
#include <opencv2/imgcodecs.hpp>

#include "synth/dataset.h"
#include "synth/degrade/degrade.h"
#include "synth/docs/types.h"
#include "synth/generator.h"
#include "synth/qa/questions.h"

using namespace vlmforge::synth;
using Clock = std::chrono::steady_clock;

static double secs(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// CPU seconds of this process: on a shared machine wall time includes other processes' time
// slices, CPU time does not (OpenCV's own threads are off: cv::setNumThreads(1), as in the writer).
static double thread_cpu() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024.0;  // Linux reports KiB
}

int main(int argc, char** argv) {
  std::map<std::string, std::string> opt = {{"--docs", "200"}, {"--workers", "2"}, {"--seed", "1"}};
  for (int i = 1; i + 1 < argc; i += 2) opt[argv[i]] = argv[i + 1];
  const int docs = std::atoi(opt["--docs"].c_str());
  const int workers = std::atoi(opt["--workers"].c_str());
  SynthConfig cfg;
  cfg.seed = std::atoll(opt["--seed"].c_str());
  cfg.num = docs;

  // Stage breakdown on one thread, same draws as generate_document.
  cv::setNumThreads(1);
  TextRenderer renderer;
  double t_render = 0, t_degrade = 0, t_qa = 0, t_encode = 0;
  size_t bytes = 0;
  const auto& types = doc_types();
  const double cpu0 = thread_cpu();
  for (int i = 0; i < docs; ++i) {
    const auto& t = types[i % types.size()];
    Rng rng = Rng::for_document(cfg.seed, i);
    const auto t0 = Clock::now();
    Document d = render_document(cfg, t.name, i % t.layouts, rng.next(), renderer);
    const auto t1 = Clock::now();
    Rng dr(rng.next());
    const int q = degrade(d, cfg.degradation, cfg.jpeg_quality, dr);
    const auto t2 = Clock::now();
    Rng qr(rng.next());
    const auto qa = make_questions(d, cfg.questions_per_doc, cfg.negative_fraction, qr);
    const auto t3 = Clock::now();
    std::vector<uint8_t> jpeg;
    cv::imencode(".jpg", d.image, jpeg, {cv::IMWRITE_JPEG_QUALITY, q});
    const auto t4 = Clock::now();
    bytes += jpeg.size();
    t_render += secs(t0, t1), t_degrade += secs(t1, t2), t_qa += secs(t2, t3), t_encode += secs(t3, t4);
  }
  const double cpu = thread_cpu() - cpu0;
  const double total = t_render + t_degrade + t_qa + t_encode;
  std::printf("single thread, %d documents %dx%d, default degradation:\n", docs, cfg.image_width, cfg.image_height);
  std::printf("  render   %6.2f ms/doc\n  degrade  %6.2f ms/doc\n  qa       %6.2f ms/doc\n  jpeg     %6.2f ms/doc\n",
              1e3 * t_render / docs, 1e3 * t_degrade / docs, 1e3 * t_qa / docs, 1e3 * t_encode / docs);
  std::printf("  total    %6.2f ms/doc wall -> %.1f docs/s/core (target 50, ratio %.2f); mean JPEG %.0f KiB\n",
              1e3 * total / docs, docs / total, docs / total / 50.0, bytes / 1024.0 / docs);
  std::printf("  CPU time %6.2f ms/doc      -> %.1f docs/s per busy core (ratio to target %.2f)\n",
              1e3 * cpu / docs, docs / cpu, docs / cpu / 50.0);

  // Whole writer with W workers (generation + ordered writing of JPEG + JSONL).
  cfg.workers = workers;
  const std::string dir = (std::filesystem::temp_directory_path() / ("bench_synth_" + std::to_string(::getpid()))).string();
  const WriteStats st = write_dataset(cfg, dir, false);
  std::filesystem::remove_all(dir);
  const double rate = st.documents / st.seconds;
  std::printf("write_dataset, %d workers: %.1f docs/s total, %.1f docs/s per worker (ratio to target %.2f)\n",
              workers, rate, rate / workers, rate / workers / 50.0);
  std::printf("peak RSS %.0f MiB\n", peak_rss_mb());
  return 0;
}
