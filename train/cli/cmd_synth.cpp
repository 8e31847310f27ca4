// `vlmforge synth` — renders synthetic Russian documents with grounded question/answer pairs
// (synth/). Command-line options override the config's synth.* keys; the output depends only on
// the resolved config and the seed, not on --workers.
#include <cstdio>

#include "models/core/error.h"
#include "train/cli/args.h"
#include "train/cli/commands.h"
#include "train/cli/common.h"

#ifdef VLMFORGE_WITH_SYNTH
#include "synth/dataset.h"
#endif

namespace vlmforge::cli {

int cmd_synth(const Args& args) {
  ArgParser p("vlmforge synth", "Render synthetic Russian documents with grounded question/answer pairs.");
  p.option("--out", "DIR", "output dataset folder (required)")
      .option("--num", "N", "number of documents (synth.num)")
      .option("--seed", "S", "random seed (synth.seed)")
      .option("--workers", "W", "worker threads, 0 = all cores (synth.workers); output does not depend on it")
      .option("--preview", "N", "write N preview images with boxes and QA (synth.preview)")
      .flag("--shards", "write WebDataset tar shards instead of images/ + JSONL (synth.shards)")
      .flag("--no-progress", "no progress bar (it is only drawn on a terminal anyway)")
      .epilog("Output: DIR/data.jsonl (+ train/val/test.jsonl) and DIR/images/, or DIR/shard-<split>-NNNNN.tar; "
              "DIR/manifest.json; DIR/preview/. See docs/synth.md.");
  add_config_options(p, "configs/synth/ru_docs.yaml");
  if (!p.parse(args)) return 0;
  RootConfig cfg = load_config(p);
  synth::SynthConfig& s = cfg.synth;
  if (p.has("--num")) s.num = p.get_int("--num");
  if (p.has("--seed")) s.seed = p.get_int("--seed");
  if (p.has("--workers")) s.workers = static_cast<int>(p.get_int("--workers"));
  if (p.has("--preview")) s.preview = static_cast<int>(p.get_int("--preview"));
  if (p.get_flag("--shards")) s.shards = true;
  if (print_config_if_asked(p, cfg)) return 0;
  if (!p.has("--out")) throw Error("missing --out DIR", "vlmforge synth", "give the output dataset folder");
#ifdef VLMFORGE_WITH_SYNTH
  const synth::WriteStats st = synth::write_dataset(s, p.get("--out"), !p.get_flag("--no-progress"));
  std::printf("wrote %lld documents, %lld questions to %s in %.1f s (%.1f docs/s)\n",
              static_cast<long long>(st.documents), static_cast<long long>(st.questions),
              p.get("--out").c_str(), st.seconds, st.seconds > 0 ? st.documents / st.seconds : 0.0);
  return 0;
#else
  return not_landed("synth", "document synthesis (this build has VLMFORGE_WITH_SYNTH=OFF)");
#endif
}

}  // namespace vlmforge::cli
