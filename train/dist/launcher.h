// `vlmforge launch`: starts this node's workers of a data-parallel job, like torchrun without
// elasticity. Each worker gets the torch.distributed variables (RANK, LOCAL_RANK, WORLD_SIZE,
// LOCAL_WORLD_SIZE, GROUP_RANK, MASTER_ADDR, MASTER_PORT) plus VLMFORGE_LAUNCH=1.
//
// The launcher of node 0 hosts the rendezvous TCPStore (VLMFORGE_STORE_HOSTED=1 tells every
// worker to connect as a client), so the store outlives any single worker and the survivors
// can still read why the job failed.
//
// Supervision: SIGINT/SIGTERM/SIGHUP are forwarded to every worker (each runs in its own process
// group, so a terminal's Ctrl-C reaches them once, through the launcher). When a worker exits
// non-zero or is killed, the others get SIGTERM, then SIGKILL after `grace_s`, and the
// launcher exits non-zero (the failed worker's code, or 128 + signal).
#pragma once

#include <string>
#include <vector>

namespace vlmforge::dist {

struct LaunchOptions {
  int nproc = 1;
  int nnodes = 1;
  int node_rank = 0;
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
  double grace_s = 10;           // SIGTERM -> SIGKILL delay when stopping workers
  double store_timeout_s = 300;  // how long the hosted store waits for clients
};

// "HOST:PORT" (or "[v6]:PORT"); throws vlmforge::Error.
void parse_master(const std::string& text, LaunchOptions& opts);

// The program and arguments a worker runs. `rest` is what follows `--`: a vlmforge subcommand
// ("train ...") runs this same binary (`self_exe`), anything else runs as a program found on
// PATH.
std::vector<std::string> resolve_worker_command(const std::vector<std::string>& rest,
                                                const std::string& self_exe);

// Runs the workers to the end; returns the launcher's exit code.
int launch_workers(const LaunchOptions& opts, const std::vector<std::string>& command);

}  // namespace vlmforge::dist
