// Where this process sits in a data-parallel job, read from the environment a launcher set:
// torchrun (including its agent-hosted store), Slurm (srun), or `vlmforge launch`.
// No variables at all means a single process (world size 1).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace vlmforge::dist {

struct DistEnv {
  std::string launcher = "none";  // none | torchrun | slurm | vlmforge
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;        // index of this process on its node (= CUDA device index)
  int local_world_size = 1;  // processes on this node
  int node_rank = 0;
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
  // The store already runs elsewhere (torchrun's agent, our launcher): every rank, rank 0
  // included, connects as a client. Otherwise rank 0 hosts the TCPStore.
  bool store_hosted_outside = false;
  std::string store_prefix;  // prepended to every key, e.g. "/worker/attempt_0" under torchrun

  bool distributed() const { return world_size > 1; }
  std::string describe() const;  // "rank 1/4 (local 1/2, node 0) via torchrun, master a:p"
};

// Reads a variable; std::nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

inline constexpr int kDefaultMasterPort = 29500;

// Throws vlmforge::Error naming the variable when a value is malformed or inconsistent.
DistEnv dist_env_from(const EnvLookup& env);
DistEnv dist_env_from_process();

// Slurm hostlist expansion, as `scontrol show hostnames`: "node[01-03,7],gpu5" ->
// node01 node02 node03 node7 gpu5; several bracket groups expand as a product
// ("r[1-2]n[1-2]" -> r1n1 r1n2 r2n1 r2n2); zero padding follows the range's first bound.
std::vector<std::string> expand_hostlist(const std::string& hostlist);

// Tasks on node `node_id` from SLURM_TASKS_PER_NODE's compressed form "2(x3),1".
int slurm_tasks_on_node(const std::string& tasks_per_node, int node_id);

}  // namespace vlmforge::dist
