// `vlmforge eval` — placeholder until its capability lands: --help documents the interface,
// the config is resolved and checked (--print-config works), running it says so and exits 2.
#include "train/cli/args.h"
#include "train/cli/commands.h"
#include "train/cli/common.h"

namespace vlmforge::cli {

int cmd_eval(const Args& args) {
  ArgParser p("vlmforge eval", "Evaluate a checkpoint on document QA and write metrics.json, predictions.jsonl, report.html.");
  p.option("--checkpoint", "DIR", "checkpoint folder")
      .option("--data", "DIR", "dataset folder (data.jsonl or shards)")
      .option("--out", "DIR", "output folder")
      .option("--limit", "N", "evaluate at most N samples")
;
  add_config_options(p);
  if (!p.parse(args)) return 0;
  RootConfig cfg = load_config(p);
  if (print_config_if_asked(p, cfg)) return 0;
  return not_landed("eval", "evaluation");
}

}  // namespace vlmforge::cli
