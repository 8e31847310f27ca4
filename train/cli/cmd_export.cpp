// `vlmforge export` — placeholder until its capability lands: --help documents the interface,
// running it says it is not available and exits 2.
#include "train/cli/args.h"
#include "train/cli/commands.h"

namespace vlmforge::cli {

int cmd_export(const Args& args) {
  ArgParser p("vlmforge export", "Export a checkpoint in Hugging Face format.");
  p.option("--checkpoint", "DIR", "checkpoint folder")
      .option("--format", "hf-llava|peft-lora", "output format", "hf-llava")
      .option("--out", "DIR", "output folder")
      .allow_overrides();
  if (!p.parse(args)) return 0;
  return not_landed("export", "export");
}

}  // namespace vlmforge::cli
