// `vlmforge export` — placeholder until its capability lands: --help documents the interface,
// the config is resolved and checked (--print-config works), running it says so and exits 2.
#include "train/cli/args.h"
#include "train/cli/commands.h"
#include "train/cli/common.h"

namespace vlmforge::cli {

int cmd_export(const Args& args) {
  ArgParser p("vlmforge export", "Export a checkpoint in Hugging Face format.");
  p.option("--checkpoint", "DIR", "checkpoint folder")
      .option("--format", "hf-llava|peft-lora", "output format", "hf-llava")
      .option("--out", "DIR", "output folder")
;
  add_config_options(p);
  if (!p.parse(args)) return 0;
  RootConfig cfg = load_config(p);
  if (print_config_if_asked(p, cfg)) return 0;
  return not_landed("export", "export");
}

}  // namespace vlmforge::cli
