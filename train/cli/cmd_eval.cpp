// `vlmforge eval --checkpoint DIR --data DIR [--out DIR] [--limit N]`: batched generation with a
// KV cache over every question of the dataset's test split, then metrics.json,
// predictions.jsonl and report.html (with the trivial baseline fitted on the train split).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "data/dataset/dataset.h"
#include "eval/baseline.h"
#include "eval/questions.h"
#include "eval/report.h"
#include "train/answerer.h"
#include "train/cli/args.h"
#include "train/cli/commands.h"
#include "train/model_setup.h"

namespace vlmforge::cli {
namespace fs = std::filesystem;

namespace {
// The split if the dataset has it, else everything (a folder of plain records).
std::unique_ptr<data::Dataset> open_split(const std::string& path, const std::string& split) {
  if (!split.empty()) {
    try {
      auto ds = data::open_dataset(path, "auto", split);
      if (ds->size() > 0) return ds;
    } catch (const Error&) {
    }
  }
  return data::open_dataset(path, "auto", "");
}
}  // namespace

int cmd_eval(const Args& args) {
  ArgParser p("vlmforge eval",
              "Evaluate a checkpoint on document QA: every question of the dataset's test split is "
              "answered by batched greedy generation; writes metrics.json (ANLS, exact/numeric "
              "match, relaxed accuracy, CER/WER by question and document type, and the "
              "most-frequent-answer baseline), predictions.jsonl and report.html.");
  p.option("--checkpoint", "DIR", "checkpoint folder (e.g. checkpoints/run/final)")
      .option("--data", "DIR", "dataset folder, data.jsonl, LLaVA .json or shards")
      .option("--split", "NAME", "split to evaluate (whole dataset if absent)", "test")
      .option("--out", "DIR", "output folder (default: <checkpoint>/eval)")
      .option("--limit", "N", "evaluate at most N questions (0 = all)", "0")
      .option("--batch-size", "N", "questions generated together", "8")
      .option("--max-new-tokens", "N", "answer length limit", "48")
      .option("--baseline-data", "PATH", "training set for the trivial baseline (default: --data's train split)")
      .flag("--embed-images", "embed page images in report.html (self-contained file)");
  if (!p.parse(args)) return 0;
  for (const char* k : {"--checkpoint", "--data"})
    if (!p.has(k)) throw Error(std::string("missing ") + k, "vlmforge eval", "see --help");
  const std::string data_path = p.get("--data");
  const std::string out = p.has("--out") ? p.get("--out") : (fs::path(p.get("--checkpoint")) / "eval").string();

  auto ds = open_split(data_path, p.get("--split"));
  EvalSet set = load_eval_set(*ds);
  auto questions = eval::collect_questions(set.records, p.get_int("--limit"), ds->description());

  RootConfig cfg;
  ModelBundle bundle = load_checkpoint_bundle(p.get("--checkpoint"), &cfg);
  VlmAnswerer answerer(bundle, cfg.data.chat, p.get_int("--max-new-tokens"));
  auto answer = answer_fn(answerer, set.samples);
  // A redrawn counter on a terminal; in a log file a plain line at every tenth (and the end).
  const bool tty = ::isatty(::fileno(stderr)) != 0;
  size_t next_line = 0;
  auto progress = [tty, &next_line](size_t done, size_t total) {
    if (tty) {
      std::fprintf(stderr, "\reval: %zu/%zu questions", done, total);
      if (done == total) std::fputc('\n', stderr);
    } else if (done >= next_line || done == total) {
      std::fprintf(stderr, "eval: %zu/%zu questions\n", done, total);
      next_line = done + std::max<size_t>(1, total / 10);
    }
  };
  auto predictions = eval::evaluate_questions(questions, static_cast<int>(p.get_int("--batch-size")),
                                              answer, 0.5, progress);

  std::optional<eval::BaselineResult> baseline;
  try {
    auto train_ds = p.has("--baseline-data") ? data::open_dataset(p.get("--baseline-data"), "auto", "train")
                                             : data::open_dataset(data_path, "auto", "train");
    std::vector<data::DatasetRecord> train_records = load_eval_set(*train_ds).records;
    if (!train_records.empty()) {
      eval::MostFrequentAnswerBaseline b;
      eval::add_training_answers(b, train_records);
      baseline = b.evaluate(predictions);
    }
  } catch (const Error& e) {
    std::fprintf(stderr, "note: no baseline (%s)\n", e.what());
  }

  eval::ReportOptions ro;
  ro.image_root = fs::is_directory(data_path) ? data_path : fs::path(data_path).parent_path().string();
  ro.embed_images = p.get_flag("--embed-images");
  nlohmann::json m = eval::write_report(out, predictions, ro, baseline);
  std::printf("eval: %zu questions  anls %.4f  exact %.4f", predictions.size(),
              m["overall"]["anls"].get<double>(), m["overall"]["exact_match"].get<double>());
  if (baseline) std::printf("  (baseline anls %.4f)", m["baseline"]["overall"]["anls"].get<double>());
  std::printf("\nwrote %s/metrics.json, predictions.jsonl, report.html\n", out.c_str());
  return 0;
}

}  // namespace vlmforge::cli
