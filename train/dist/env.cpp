#include "train/dist/env.h"

#include <cstdlib>
#include <sstream>

#include "models/core/error.h"

namespace vlmforge::dist {
namespace {

int parse_int(const std::string& name, const std::string& value) {
  size_t used = 0;
  long long v = 0;
  try {
    v = std::stoll(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != value.size() || v < INT32_MIN || v > INT32_MAX) {
    throw Error("'" + value + "' is not an integer", "environment variable " + name);
  }
  return static_cast<int>(v);
}

int get_int(const EnvLookup& env, const std::string& name, int fallback) {
  auto v = env(name);
  return v && !v->empty() ? parse_int(name, *v) : fallback;
}

std::string get_str(const EnvLookup& env, const std::string& name, const std::string& fallback) {
  auto v = env(name);
  return v && !v->empty() ? *v : fallback;
}

void check(const DistEnv& e) {
  const std::string where = "distributed environment (" + e.launcher + ")";
  if (e.world_size < 1) throw Error("world size " + std::to_string(e.world_size) + " < 1", where);
  if (e.rank < 0 || e.rank >= e.world_size) {
    throw Error("rank " + std::to_string(e.rank) + " outside [0, " +
                    std::to_string(e.world_size) + ")", where);
  }
  if (e.local_world_size < 1 || e.local_rank < 0 || e.local_rank >= e.local_world_size) {
    throw Error("local rank " + std::to_string(e.local_rank) + " outside [0, " +
                    std::to_string(e.local_world_size) + ")", where);
  }
  if (e.master_port < 1 || e.master_port > 65535) {
    throw Error("master port " + std::to_string(e.master_port) + " outside 1..65535", where);
  }
}

// "lo-hi" or "n" inside brackets, appended with the padding of `lo`.
void expand_range(const std::string& prefix, const std::string& item, const std::string& whole,
                  std::vector<std::string>& out) {
  const auto dash = item.find('-');
  const std::string lo = item.substr(0, dash);
  const std::string hi = dash == std::string::npos ? lo : item.substr(dash + 1);
  auto digits = [](const std::string& s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
  };
  if (!digits(lo) || !digits(hi)) {
    throw Error("bad range '" + item + "'", "hostlist '" + whole + "'");
  }
  const long a = std::stol(lo), b = std::stol(hi);
  if (b < a || b - a > 100000) throw Error("bad range '" + item + "'", "hostlist '" + whole + "'");
  for (long n = a; n <= b; ++n) {
    std::string num = std::to_string(n);
    if (num.size() < lo.size()) num.insert(0, lo.size() - num.size(), '0');
    out.push_back(prefix + num);
  }
}

// One comma-free (at top level) host pattern, possibly with several bracket groups.
std::vector<std::string> expand_pattern(const std::string& pattern, const std::string& whole) {
  std::vector<std::string> stems{""};
  size_t i = 0;
  while (i < pattern.size()) {
    const size_t open = pattern.find('[', i);
    const std::string literal = pattern.substr(i, open == std::string::npos ? open : open - i);
    for (auto& s : stems) s += literal;
    if (open == std::string::npos) break;
    const size_t close = pattern.find(']', open);
    if (close == std::string::npos) throw Error("unclosed '['", "hostlist '" + whole + "'");
    const std::string inside = pattern.substr(open + 1, close - open - 1);
    std::vector<std::string> next;
    for (const auto& s : stems) {
      std::stringstream items(inside);
      std::string item;
      while (std::getline(items, item, ',')) expand_range(s, item, whole, next);
    }
    stems.swap(next);
    i = close + 1;
  }
  return stems;
}

}  // namespace

std::vector<std::string> expand_hostlist(const std::string& hostlist) {
  std::vector<std::string> hosts;
  int depth = 0;
  std::string current;
  auto flush = [&] {
    if (!current.empty()) {
      for (auto& h : expand_pattern(current, hostlist)) hosts.push_back(std::move(h));
    }
    current.clear();
  };
  for (char c : hostlist) {
    if (c == '[') ++depth;
    if (c == ']') --depth;
    if (depth < 0) throw Error("unbalanced ']'", "hostlist '" + hostlist + "'");
    if (c == ',' && depth == 0) {
      flush();
    } else if (c != ' ') {
      current += c;
    }
  }
  if (depth != 0) throw Error("unclosed '['", "hostlist '" + hostlist + "'");
  flush();
  return hosts;
}

int slurm_tasks_on_node(const std::string& tasks_per_node, int node_id) {
  // Entries "N" or "N(xK)" cover K consecutive nodes each.
  std::stringstream entries(tasks_per_node);
  std::string entry;
  int node = 0;
  while (std::getline(entries, entry, ',')) {
    const auto paren = entry.find("(x");
    const int tasks = parse_int("SLURM_TASKS_PER_NODE", entry.substr(0, paren));
    int repeat = 1;
    if (paren != std::string::npos) {
      const auto close = entry.find(')', paren);
      if (close == std::string::npos) {
        throw Error("bad entry '" + entry + "'", "SLURM_TASKS_PER_NODE=" + tasks_per_node);
      }
      repeat = parse_int("SLURM_TASKS_PER_NODE", entry.substr(paren + 2, close - paren - 2));
    }
    if (node_id < node + repeat) return tasks;
    node += repeat;
  }
  throw Error("no entry for node " + std::to_string(node_id),
              "SLURM_TASKS_PER_NODE=" + tasks_per_node);
}

std::string DistEnv::describe() const {
  std::ostringstream s;
  s << "rank " << rank << "/" << world_size << " (local " << local_rank << "/"
    << local_world_size << ", node " << node_rank << ") via " << launcher << ", master "
    << master_addr << ":" << master_port;
  if (store_hosted_outside) s << " (store hosted by the launcher)";
  return s.str();
}

DistEnv dist_env_from(const EnvLookup& env) {
  DistEnv e;
  if (env("RANK") && env("WORLD_SIZE")) {
    // torchrun and `vlmforge launch` export the same torch.distributed variables.
    e.launcher = env("VLMFORGE_LAUNCH") ? "vlmforge"
                 : env("TORCHELASTIC_RUN_ID") ? "torchrun"
                                              : "env";
    e.rank = get_int(env, "RANK", 0);
    e.world_size = get_int(env, "WORLD_SIZE", 1);
    e.local_rank = get_int(env, "LOCAL_RANK", e.rank);
    e.local_world_size = get_int(env, "LOCAL_WORLD_SIZE", e.world_size);
    e.node_rank = get_int(env, "GROUP_RANK", 0);
    e.master_addr = get_str(env, "MASTER_ADDR", e.master_addr);
    e.master_port = get_int(env, "MASTER_PORT", kDefaultMasterPort);
    if (get_str(env, "TORCHELASTIC_USE_AGENT_STORE", "") == "True") {
      // torchrun's agent already hosts the TCPStore at MASTER_ADDR:PORT and namespaces the
      // workers of each restart attempt (torch/distributed/elastic/agent).
      e.store_hosted_outside = true;
      e.store_prefix = "/worker/attempt_" + std::to_string(get_int(env, "TORCHELASTIC_RESTART_COUNT", 0));
    } else if (get_str(env, "VLMFORGE_STORE_HOSTED", "") == "1") {
      e.store_hosted_outside = true;
    }
  } else if (env("SLURM_PROCID") && env("SLURM_NTASKS")) {
    e.launcher = "slurm";
    e.rank = get_int(env, "SLURM_PROCID", 0);
    e.world_size = get_int(env, "SLURM_NTASKS", 1);
    e.local_rank = get_int(env, "SLURM_LOCALID", 0);
    e.node_rank = get_int(env, "SLURM_NODEID", 0);
    const std::string per_node = get_str(env, "SLURM_STEP_TASKS_PER_NODE",
                                         get_str(env, "SLURM_TASKS_PER_NODE", ""));
    e.local_world_size = per_node.empty() ? 1 : slurm_tasks_on_node(per_node, e.node_rank);
    if (auto addr = env("MASTER_ADDR"); addr && !addr->empty()) {
      e.master_addr = *addr;
    } else {
      const std::string nodes = get_str(env, "SLURM_JOB_NODELIST", get_str(env, "SLURM_NODELIST", ""));
      const auto hosts = expand_hostlist(nodes);
      if (hosts.empty()) {
        throw Error("SLURM_JOB_NODELIST is empty and MASTER_ADDR is unset", "Slurm environment",
                    "export MASTER_ADDR in the sbatch script");
      }
      e.master_addr = hosts.front();
    }
    // Distinct jobs sharing a node get distinct default ports.
    const int job = get_int(env, "SLURM_JOB_ID", 0);
    e.master_port = get_int(env, "MASTER_PORT", kDefaultMasterPort + job % 1000);
  }
  check(e);
  return e;
}

DistEnv dist_env_from_process() {
  return dist_env_from([](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  });
}

}  // namespace vlmforge::dist
