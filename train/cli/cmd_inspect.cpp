#include "train/cli/args.h"
#include "train/cli/commands.h"

namespace vlmforge::cli {

int cmd_inspect(const Args& args) {
  ArgParser p("vlmforge inspect", "List tensors");
  p.positional("FILE_OR_DIR", "safetensors file or checkpoint folder");
  if (!p.parse(args)) return 0;
  return not_landed("inspect", "inspect");
}

}  // namespace vlmforge::cli
