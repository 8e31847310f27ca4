// `vlmforge train` — placeholder until its capability lands: --help documents the interface,
// the config is resolved and checked (--print-config works), running it says so and exits 2.
#include "train/cli/args.h"
#include "train/cli/commands.h"
#include "train/cli/common.h"

namespace vlmforge::cli {

int cmd_train(const Args& args) {
  ArgParser p("vlmforge train", "Train a vision-language model from a YAML recipe.");
  p.option("--resume", "DIR|latest", "resume from a checkpoint folder");
  add_config_options(p);
  if (!p.parse(args)) return 0;
  RootConfig cfg = load_config(p);
  if (print_config_if_asked(p, cfg)) return 0;
  return not_landed("train", "the trainer");
}

}  // namespace vlmforge::cli
