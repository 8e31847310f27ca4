// `vlmforge launch --nproc N [--nnodes M --node-rank R --master ADDR:PORT] -- train ...`
#include <climits>
#include <unistd.h>

#include "models/core/error.h"
#include "train/cli/args.h"
#include "train/cli/commands.h"
#include "train/dist/launcher.h"

namespace vlmforge::cli {
namespace {

std::string self_executable() {
  char buf[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n <= 0) throw Error("cannot read /proc/self/exe", "vlmforge launch");
  return std::string(buf, static_cast<size_t>(n));
}

}  // namespace

int cmd_launch(const Args& args) {
  ArgParser p("vlmforge launch", "Start data-parallel training workers on this node.");
  p.option("--nproc", "N", "workers on this node (one per GPU)", "1")
      .option("--nnodes", "M", "number of nodes", "1")
      .option("--node-rank", "R", "this node's rank (0 hosts the rendezvous store)", "0")
      .option("--master", "ADDR:PORT", "rendezvous address: node 0's address and a free port",
              "127.0.0.1:29500")
      .option("--grace", "SECONDS", "SIGTERM to SIGKILL delay when stopping workers", "10")
      .allow_rest()
      .epilog(
          "After `--`: a vlmforge subcommand (`train --config X.yaml ...`) or any program.\n"
          "Workers get RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, GROUP_RANK, MASTER_ADDR,\n"
          "MASTER_PORT. When one worker fails the others are stopped and launch exits non-zero;\n"
          "SIGINT/SIGTERM are forwarded to the workers. Two nodes:\n"
          "  node0$ vlmforge launch --nproc 8 --nnodes 2 --node-rank 0 --master node0:29500 -- train ...\n"
          "  node1$ vlmforge launch --nproc 8 --nnodes 2 --node-rank 1 --master node0:29500 -- train ...");
  if (!p.parse(args)) return 0;
  dist::LaunchOptions opts;
  opts.nproc = static_cast<int>(p.get_int("--nproc"));
  opts.nnodes = static_cast<int>(p.get_int("--nnodes"));
  opts.node_rank = static_cast<int>(p.get_int("--node-rank"));
  opts.grace_s = p.get_double("--grace");
  dist::parse_master(p.get("--master"), opts);
  return dist::launch_workers(opts, dist::resolve_worker_command(p.rest(), self_executable()));
}

}  // namespace vlmforge::cli
