// `vlmforge train` — placeholder until its capability lands: --help documents the interface,
// running it says it is not available and exits 2.
#include "train/cli/args.h"
#include "train/cli/commands.h"

namespace vlmforge::cli {

int cmd_train(const Args& args) {
  ArgParser p("vlmforge train", "Train a vision-language model from a YAML recipe.");
  p.option("--config", "FILE", "training recipe (configs/train/*.yaml)")
      .option("--resume", "DIR|latest", "resume from a checkpoint folder")
      .flag("--print-config", "print the resolved config and exit")
      .allow_overrides();
  if (!p.parse(args)) return 0;
  return not_landed("train", "the trainer");
}

}  // namespace vlmforge::cli
