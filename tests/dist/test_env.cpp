// Parsing of the launcher environments (torchrun, Slurm, vlmforge launch) and Slurm hostlists.
#include <gtest/gtest.h>

#include <map>

#include "models/core/error.h"
#include "train/dist/env.h"

namespace {

using vlmforge::dist::DistEnv;
using vlmforge::dist::dist_env_from;
using vlmforge::dist::expand_hostlist;
using vlmforge::dist::slurm_tasks_on_node;
using Vars = std::map<std::string, std::string>;

DistEnv parse(const Vars& vars) {
  return dist_env_from([&](const std::string& n) -> std::optional<std::string> {
    auto it = vars.find(n);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  });
}

TEST(DistEnv, NoVariablesIsSingleProcess) {
  auto e = parse({});
  EXPECT_EQ(e.launcher, "none");
  EXPECT_EQ(e.world_size, 1);
  EXPECT_FALSE(e.distributed());
}

TEST(DistEnv, Torchrun) {
  auto e = parse({{"RANK", "5"}, {"WORLD_SIZE", "8"}, {"LOCAL_RANK", "1"},
                  {"LOCAL_WORLD_SIZE", "4"}, {"GROUP_RANK", "1"}, {"MASTER_ADDR", "10.0.0.7"},
                  {"MASTER_PORT", "29411"}, {"TORCHELASTIC_RUN_ID", "abc"}});
  EXPECT_EQ(e.launcher, "torchrun");
  EXPECT_EQ(e.rank, 5);
  EXPECT_EQ(e.world_size, 8);
  EXPECT_EQ(e.local_rank, 1);
  EXPECT_EQ(e.local_world_size, 4);
  EXPECT_EQ(e.node_rank, 1);
  EXPECT_EQ(e.master_addr, "10.0.0.7");
  EXPECT_EQ(e.master_port, 29411);
  EXPECT_FALSE(e.store_hosted_outside);
  EXPECT_EQ(e.store_prefix, "");
}

TEST(DistEnv, TorchrunAgentStorePrefixesKeysWithTheAttempt) {
  auto e = parse({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"TORCHELASTIC_RUN_ID", "x"},
                  {"TORCHELASTIC_USE_AGENT_STORE", "True"}, {"TORCHELASTIC_RESTART_COUNT", "3"}});
  EXPECT_TRUE(e.store_hosted_outside);
  EXPECT_EQ(e.store_prefix, "/worker/attempt_3");
  // "False" (or anything but "True") means rank 0 hosts the store.
  auto f = parse({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"TORCHELASTIC_USE_AGENT_STORE", "False"}});
  EXPECT_FALSE(f.store_hosted_outside);
}

TEST(DistEnv, VlmforgeLaunch) {
  auto e = parse({{"RANK", "3"}, {"WORLD_SIZE", "4"}, {"LOCAL_RANK", "1"},
                  {"LOCAL_WORLD_SIZE", "2"}, {"GROUP_RANK", "1"}, {"MASTER_ADDR", "10.231.0.1"},
                  {"MASTER_PORT", "29600"}, {"VLMFORGE_LAUNCH", "1"},
                  {"VLMFORGE_STORE_HOSTED", "1"}});
  EXPECT_EQ(e.launcher, "vlmforge");
  EXPECT_TRUE(e.store_hosted_outside);
  EXPECT_EQ(e.store_prefix, "");
  EXPECT_EQ(e.node_rank, 1);
}

TEST(DistEnv, Slurm) {
  auto e = parse({{"SLURM_PROCID", "5"}, {"SLURM_NTASKS", "6"}, {"SLURM_LOCALID", "1"},
                  {"SLURM_NODEID", "2"}, {"SLURM_TASKS_PER_NODE", "2(x3)"},
                  {"SLURM_JOB_NODELIST", "gpu-[007-009]"}, {"SLURM_JOB_ID", "123456"}});
  EXPECT_EQ(e.launcher, "slurm");
  EXPECT_EQ(e.rank, 5);
  EXPECT_EQ(e.world_size, 6);
  EXPECT_EQ(e.local_rank, 1);
  EXPECT_EQ(e.local_world_size, 2);
  EXPECT_EQ(e.node_rank, 2);
  EXPECT_EQ(e.master_addr, "gpu-007");
  EXPECT_EQ(e.master_port, 29500 + 456);
  auto m = parse({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "2"}, {"SLURM_JOB_NODELIST", "a,b"},
                  {"MASTER_ADDR", "head"}, {"MASTER_PORT", "1234"}});
  EXPECT_EQ(m.master_addr, "head");
  EXPECT_EQ(m.master_port, 1234);
}

TEST(DistEnv, TorchrunInsideSlurmWins) {
  auto e = parse({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "1"}, {"RANK", "1"},
                  {"WORLD_SIZE", "2"}, {"TORCHELASTIC_RUN_ID", "x"}});
  EXPECT_EQ(e.launcher, "torchrun");
  EXPECT_EQ(e.rank, 1);
}

TEST(DistEnv, ErrorsNameTheVariable) {
  try {
    parse({{"RANK", "one"}, {"WORLD_SIZE", "2"}});
    FAIL() << "no error";
  } catch (const vlmforge::Error& err) {
    EXPECT_NE(std::string(err.what()).find("RANK"), std::string::npos) << err.what();
  }
  EXPECT_THROW(parse({{"RANK", "2"}, {"WORLD_SIZE", "2"}}), vlmforge::Error);
  EXPECT_THROW(parse({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_PORT", "70000"}}),
               vlmforge::Error);
  EXPECT_THROW(parse({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"LOCAL_RANK", "2"},
                      {"LOCAL_WORLD_SIZE", "2"}}),
               vlmforge::Error);
}

TEST(Hostlist, ExpandsLikeScontrol) {
  using V = std::vector<std::string>;
  EXPECT_EQ(expand_hostlist("node[01-03,7]"), (V{"node01", "node02", "node03", "node7"}));
  EXPECT_EQ(expand_hostlist("a1,b[2-3],c"), (V{"a1", "b2", "b3", "c"}));
  EXPECT_EQ(expand_hostlist("r[1-2]n[08-09]"), (V{"r1n08", "r1n09", "r2n08", "r2n09"}));
  EXPECT_EQ(expand_hostlist("gpu-[098-101]"), (V{"gpu-098", "gpu-099", "gpu-100", "gpu-101"}));
  EXPECT_EQ(expand_hostlist("single"), (V{"single"}));
  EXPECT_EQ(expand_hostlist(""), V{});
  EXPECT_THROW(expand_hostlist("n[1-"), vlmforge::Error);
  EXPECT_THROW(expand_hostlist("n[3-1]"), vlmforge::Error);
  EXPECT_THROW(expand_hostlist("n[a-b]"), vlmforge::Error);
}

TEST(Hostlist, TasksPerNode) {
  EXPECT_EQ(slurm_tasks_on_node("2(x3),1", 0), 2);
  EXPECT_EQ(slurm_tasks_on_node("2(x3),1", 2), 2);
  EXPECT_EQ(slurm_tasks_on_node("2(x3),1", 3), 1);
  EXPECT_EQ(slurm_tasks_on_node("4", 0), 4);
  EXPECT_THROW(slurm_tasks_on_node("2(x3)", 3), vlmforge::Error);
}

}  // namespace
