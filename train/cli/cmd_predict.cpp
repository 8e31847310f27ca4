// `vlmforge predict` — placeholder until its capability lands: --help documents the interface,
// running it says it is not available and exits 2.
#include "train/cli/args.h"
#include "train/cli/commands.h"

namespace vlmforge::cli {

int cmd_predict(const Args& args) {
  ArgParser p("vlmforge predict", "Answer one question about one image.");
  p.option("--checkpoint", "DIR", "checkpoint folder")
      .option("--image", "FILE", "image file")
      .option("--question", "TEXT", "question");
  if (!p.parse(args)) return 0;
  return not_landed("predict", "prediction");
}

}  // namespace vlmforge::cli
