// `vlmforge launch` — placeholder until its capability lands: --help documents the interface,
// running it says it is not available and exits 2.
#include "train/cli/args.h"
#include "train/cli/commands.h"

namespace vlmforge::cli {

int cmd_launch(const Args& args) {
  ArgParser p("vlmforge launch", "Start data-parallel training workers on this node.");
  p.option("--nproc", "N", "workers on this node", "1")
      .option("--nnodes", "M", "number of nodes", "1")
      .option("--node-rank", "R", "this node's rank", "0")
      .option("--master", "ADDR:PORT", "rendezvous address", "127.0.0.1:29500")
      .allow_rest();
  if (!p.parse(args)) return 0;
  return not_landed("launch", "distributed launch");
}

}  // namespace vlmforge::cli
