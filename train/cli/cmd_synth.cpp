// `vlmforge synth` — placeholder until its capability lands: --help documents the interface,
// running it says it is not available and exits 2.
#include "train/cli/args.h"
#include "train/cli/commands.h"

namespace vlmforge::cli {

int cmd_synth(const Args& args) {
  ArgParser p("vlmforge synth", "Render synthetic Russian documents with grounded question/answer pairs.");
  p.option("--config", "FILE", "synth config", "configs/synth/ru_docs.yaml")
      .option("--out", "DIR", "output dataset folder")
      .option("--num", "N", "number of documents")
      .option("--seed", "S", "random seed")
      .option("--workers", "W", "worker threads")
      .allow_overrides();
  if (!p.parse(args)) return 0;
  return not_landed("synth", "document synthesis");
}

}  // namespace vlmforge::cli
