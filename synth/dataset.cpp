#include "synth/dataset.h"

#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include <opencv2/core/utility.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "data/formats/jsonl.h"
#include "data/formats/tar.h"
#include "models/core/error.h"
#include "models/core/fs.h"
#include "synth/docs/types.h"

namespace vlmforge::synth {
namespace fs = std::filesystem;

data::DatasetRecord to_record(const GeneratedDoc& g) {
  data::DatasetRecord r;
  r.id = g.id;
  r.image = "images/" + g.id + ".jpg";
  r.doc_type = g.doc.doc_type;
  r.split = g.split;
  r.layout = g.doc.doc_type + "/" + std::to_string(g.doc.layout);
  auto box = [](const cv::Rect& b) { return std::array<int, 4>{b.x, b.y, b.x + b.width, b.y + b.height}; };
  for (size_t i = 0; i < g.qa.size(); ++i) {
    const QaPair& q = g.qa[i];
    r.conversations.push_back({"human", (i == 0 ? "<image>\n" : "") + q.question});
    r.conversations.push_back({"gpt", q.answer});
    data::QaMeta m{q.type, q.field, std::nullopt};
    if (!q.box.empty()) m.bbox = box(q.box);
    r.qa_meta.push_back(std::move(m));
  }
  for (const auto& reg : g.doc.regions) r.regions.push_back({box(reg.box), reg.label, reg.text});
  return r;
}

cv::Mat draw_preview(const GeneratedDoc& g, TextRenderer& renderer, const std::string& font_dir) {
  cv::Mat img = g.doc.image.clone();
  for (const auto& r : g.doc.regions) cv::rectangle(img, r.box, cv::Scalar(60, 200, 60), 1);
  const int font = renderer.load(font_dir + "/dejavu/DejaVuSans.ttf");
  const int px = std::max(12, img.cols / 80);
  // QA panel below the page: question, answer, type; boxes numbered on the page.
  std::vector<std::string> lines;
  for (size_t i = 0; i < g.qa.size(); ++i) {
    const QaPair& q = g.qa[i];
    if (!q.box.empty()) {
      cv::rectangle(img, q.box, cv::Scalar(30, 30, 230), 2);
      renderer.draw(img, font, px, std::to_string(i + 1), q.box.x, std::max(px, q.box.y - 2), {{30, 30, 230}});
    }
    lines.push_back(std::to_string(i + 1) + ". [" + q.type + "] " + q.question + " → " + q.answer);
  }
  const int lh = px + px / 2;
  cv::Mat panel(static_cast<int>(lines.size()) * lh * 2 + lh, img.cols, CV_8UC3, cv::Scalar(250, 250, 250));
  int y = lh;
  for (const auto& l : lines) {
    // Long lines are cut to the panel width by wrapping at ~ panel width / (0.55 px) characters.
    std::string rest = l;
    for (int k = 0; k < 2 && !rest.empty(); ++k) {
      size_t cut = rest.size();
      while (cut > 0 && renderer.measure(font, px, rest.substr(0, cut)).advance > panel.cols - 20) {
        cut = rest.rfind(' ', cut - 1);
        if (cut == std::string::npos) {
          cut = 0;
          break;
        }
      }
      if (cut == 0) cut = rest.size();
      renderer.draw(panel, font, px, rest.substr(0, cut), 10, y, {{20, 20, 20}});
      rest = cut < rest.size() ? rest.substr(cut + 1) : "";
      y += lh;
    }
  }
  cv::Mat out;
  cv::vconcat(img, panel(cv::Rect(0, 0, panel.cols, std::min(panel.rows, y + lh / 2))), out);
  return out;
}

namespace {

// Images are plain writes: fsync per file (write_file_atomic) would dominate the run time; a run
// that dies leaves the JSONL files unfinished (*.tmp), so no record points at a partial image.
void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw Error("cannot write file", path, "disk full?");
}

// Bounded, ordered hand-off from workers to the writer: slot i is filled by whichever worker
// generated document i; the writer takes them in index order.
class OrderedResults {
 public:
  OrderedResults(int64_t total, int64_t window) : total_(total), window_(window) {}

  // Worker: next index to generate, or -1 when done. Blocks while too far ahead of the writer.
  int64_t claim() {
    std::unique_lock<std::mutex> lock(m_);
    cv_space_.wait(lock, [&] { return failed_ || next_claim_ < written_ + window_; });
    if (failed_ || next_claim_ >= total_) return -1;
    return next_claim_++;
  }
  void put(int64_t i, GeneratedDoc&& g) {
    std::lock_guard<std::mutex> lock(m_);
    ready_.emplace(i, std::move(g));
    cv_ready_.notify_all();
  }
  void fail(std::exception_ptr e) {
    std::lock_guard<std::mutex> lock(m_);
    if (!error_) error_ = e;
    failed_ = true;
    cv_ready_.notify_all();
    cv_space_.notify_all();
  }
  // Writer: document `i` (waits for it); rethrows a worker's error.
  GeneratedDoc take(int64_t i) {
    std::unique_lock<std::mutex> lock(m_);
    cv_ready_.wait(lock, [&] { return failed_ || ready_.count(i); });
    if (failed_) std::rethrow_exception(error_);
    GeneratedDoc g = std::move(ready_.at(i));
    ready_.erase(i);
    written_ = i + 1;
    cv_space_.notify_all();
    return g;
  }
  void abort() {
    std::lock_guard<std::mutex> lock(m_);
    failed_ = true;
    cv_space_.notify_all();
  }

 private:
  std::mutex m_;
  std::condition_variable cv_ready_, cv_space_;
  std::map<int64_t, GeneratedDoc> ready_;
  int64_t total_, window_, next_claim_ = 0, written_ = 0;
  bool failed_ = false;
  std::exception_ptr error_;
};

void progress_bar(int64_t done, int64_t total, double seconds) {
  const int width = 30;
  const int filled = total ? static_cast<int>(width * done / total) : width;
  std::fprintf(stderr, "\r[%.*s%*s] %lld/%lld docs  %.1f docs/s", filled,
               "##############################", width - filled, "", static_cast<long long>(done),
               static_cast<long long>(total), seconds > 0 ? done / seconds : 0.0);
  if (done == total) std::fprintf(stderr, "\n");
}

}  // namespace

WriteStats write_dataset(const SynthConfig& cfg, const std::string& out_dir, bool progress) {
  validate(cfg);
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) throw Error("cannot create output folder: " + ec.message(), out_dir);
  if (!cfg.shards) fs::create_directories(out_dir + "/images", ec);
  if (cfg.preview > 0) fs::create_directories(out_dir + "/preview", ec);
  const bool tty = progress && isatty(2);

  const int workers = cfg.workers > 0 ? cfg.workers : std::max(1u, std::thread::hardware_concurrency());
  // Parallelism comes from the document workers; OpenCV's own thread pool inside each of them
  // would only oversubscribe the cores.
  cv::setNumThreads(1);
#ifdef __GLIBC__
  // Every document allocates and frees several page-sized (6.5 MB) images. glibc would hand
  // freed ones back to the kernel (trim / munmap) and fault them in again, zeroed, for the next
  // document (~700 page faults, ~0.5 ms a document); keep them in the process instead.
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
#endif
  OrderedResults results(cfg.num, 4 * static_cast<int64_t>(workers));
  std::vector<std::thread> pool;
  for (int w = 0; w < workers; ++w) {
    pool.emplace_back([&] {
      try {
        TextRenderer renderer;
        for (int64_t i; (i = results.claim()) >= 0;) {
          GeneratedDoc g = generate_document(cfg, i, renderer);
          // Only previews draw on the page after encoding: the others wait for the writer
          // with their JPEG bytes alone (~6.5 MB less each in the ordering window).
          if (i >= cfg.preview) g.doc.image.release();
          results.put(i, std::move(g));
        }
      } catch (...) {
        results.fail(std::current_exception());
      }
    });
  }

  WriteStats stats;
  const auto t0 = std::chrono::steady_clock::now();
  const char* splits[] = {"train", "val", "test"};
  std::map<std::string, std::unique_ptr<data::JsonlWriter>> jsonl;
  std::map<std::string, std::unique_ptr<data::TarWriter>> shards;
  std::map<std::string, int> shard_index, shard_fill;
  std::map<std::string, std::map<std::string, int>> counts;  // split -> doc_type -> n
  std::unique_ptr<data::JsonlWriter> all;
  TextRenderer preview_renderer;
  try {
    if (!cfg.shards) {
      all = std::make_unique<data::JsonlWriter>(out_dir + "/data.jsonl");
      for (const char* s : splits) jsonl[s] = std::make_unique<data::JsonlWriter>(out_dir + "/" + s + ".jsonl");
    }
    for (int64_t i = 0; i < cfg.num; ++i) {
      GeneratedDoc g = results.take(i);
      const double w0 = thread_cpu_ms();
      data::DatasetRecord rec = to_record(g);
      ++counts[g.split][g.doc.doc_type];
      stats.questions += static_cast<int64_t>(g.qa.size());
      if (cfg.shards) {
        rec.image = g.id + ".jpg";
        auto& w = shards[g.split];
        if (!w || shard_fill[g.split] >= cfg.shard_size) {
          if (w) w->close();
          char name[64];
          std::snprintf(name, sizeof name, "/shard-%s-%05d.tar", g.split.c_str(), shard_index[g.split]++);
          w = std::make_unique<data::TarWriter>(out_dir + name);
          shard_fill[g.split] = 0;
        }
        w->add(g.id + ".jpg", g.jpeg.data(), g.jpeg.size());
        w->add(g.id + ".json", data::to_json_line(rec));
        ++shard_fill[g.split];
      } else {
        write_bytes(out_dir + "/" + rec.image, g.jpeg);
        const std::string line = data::to_json_line(rec);
        all->write_line(line);
        jsonl[g.split]->write_line(line);
      }
      if (i < cfg.preview) {
        std::vector<uint8_t> buf;
        cv::imencode(".jpg", draw_preview(g, preview_renderer, cfg.font_dir), buf, {cv::IMWRITE_JPEG_QUALITY, 85});
        write_bytes(out_dir + "/preview/" + g.id + ".jpg", buf);
      }
      ++stats.documents;
      g.times.write = thread_cpu_ms() - w0;
      stats.cpu_ms += g.times;
      if (tty && (i % 8 == 7 || i + 1 == cfg.num))
        progress_bar(i + 1, cfg.num, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    for (auto& [s, w] : shards) w->close();
    for (auto& [s, w] : jsonl) w->close();
    if (all) all->close();
  } catch (...) {
    results.abort();
    for (auto& t : pool) t.join();
    throw;
  }
  for (auto& t : pool) t.join();
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  nlohmann::ordered_json manifest;
  manifest["seed"] = cfg.seed;
  manifest["num"] = cfg.num;
  manifest["questions"] = stats.questions;
  manifest["format"] = cfg.shards ? "webdataset" : "jsonl";
  for (const auto& [split, types] : counts)
    for (const auto& [type, n] : types) manifest["splits"][split][type] = n;
  write_file_atomic(out_dir + "/manifest.json", manifest.dump(2) + "\n");
  return stats;
}

}  // namespace vlmforge::synth
