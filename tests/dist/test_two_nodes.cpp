// Two "nodes" on one machine: two network namespaces joined by a veth pair (10.231.0.1/24 and
// 10.231.0.2/24, private and visible only inside the namespaces), each running
// `vlmforge launch --nproc 2 --nnodes 2` (launch_tool). Needs root for `ip netns`; skipped with
// the reason otherwise. Namespaces and links are removed afterwards.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/dist/spawn.h"
#include "tests/dist/tiny_model.h"

namespace {

namespace fs = std::filesystem;

int sh(const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()); }

class TwoNodes : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string id = std::to_string(getpid());
    ns_ = {"vlmf_n0_" + id, "vlmf_n1_" + id};
    const std::string veth0 = "vf0_" + id, veth1 = "vf1_" + id;
    if (sh("ip netns add " + ns_[0]) != 0) {
      GTEST_SKIP() << "`ip netns add` is not permitted here (needs root / CAP_SYS_ADMIN)";
    }
    created_ = true;
    const std::vector<std::string> setup = {
        "ip netns add " + ns_[1],
        "ip link add " + veth0 + " type veth peer name " + veth1,
        "ip link set " + veth0 + " netns " + ns_[0],
        "ip link set " + veth1 + " netns " + ns_[1],
        "ip -n " + ns_[0] + " addr add 10.231.0.1/24 dev " + veth0,
        "ip -n " + ns_[1] + " addr add 10.231.0.2/24 dev " + veth1,
        "ip -n " + ns_[0] + " link set " + veth0 + " up",
        "ip -n " + ns_[1] + " link set " + veth1 + " up",
        "ip -n " + ns_[0] + " link set lo up",
        "ip -n " + ns_[1] + " link set lo up"};
    for (const auto& cmd : setup) ASSERT_EQ(sh(cmd), 0) << cmd;
    dir_ = (fs::temp_directory_path() / ("vlmforge_two_nodes_" + id)).string();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!created_) return;
    // Deleting a namespace destroys its end of the veth pair, and the pair with it.
    sh("ip netns del " + ns_[0]);
    sh("ip netns del " + ns_[1]);
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Both nodes' launchers, each inside its namespace; returns their exits.
  std::vector<dist_test::ExitInfo> launch(const std::vector<std::string>& worker,
                                          double timeout_s) {
    const std::string master = "10.231.0.1:29517";
    std::vector<pid_t> pids;
    for (int node = 0; node < 2; ++node) {
      std::vector<std::string> argv{"/usr/sbin/ip", "netns", "exec", ns_[node], LAUNCH_TOOL,
                                    "--nproc", "2", "--nnodes", "2", "--node-rank",
                                    std::to_string(node), "--master", master, "--grace", "3",
                                    "--"};
      argv.insert(argv.end(), worker.begin(), worker.end());
      if (!fs::exists(argv[0])) argv[0] = "/sbin/ip";
      pids.push_back(dist_test::spawn(argv, {{"OMP_NUM_THREADS", "1"}},
                                      dir_ + "/node" + std::to_string(node) + ".log"));
    }
    return dist_test::wait_all(pids, timeout_s);
  }
  std::string log(int node) const {
    return dist_test::slurp(dir_ + "/node" + std::to_string(node) + ".log");
  }

  std::vector<std::string> ns_;
  std::string dir_;
  bool created_ = false;
};

TEST_F(TwoNodes, TrainingEqualsOneProcess) {
  const auto exits = launch({DIST_WORKER, "train", dir_, "bucket_mb=0.001", "steps=3"}, 180);
  for (int node = 0; node < 2; ++node) ASSERT_EQ(exits[node].code, 0) << log(node);
  auto [ref_grads, ref_weights] = dist_test::reference(3, 16, 0.1);
  for (int r = 0; r < 4; ++r) {
    auto g = dist_test::read_floats(dir_ + "/grads_rank" + std::to_string(r) + ".bin");
    auto w = dist_test::read_floats(dir_ + "/weights_rank" + std::to_string(r) + ".bin");
    ASSERT_EQ(w.numel(), ref_weights.numel()) << "rank " << r;
    const double gdiff = (g - ref_grads).abs().max().item<double>();
    const double wdiff = (w - ref_weights).abs().max().item<double>();
    std::cout << "2 nodes x 2, rank " << r << ": grad max-abs-diff " << gdiff
              << ", weights after 3 steps " << wdiff << "\n";
    EXPECT_LE(gdiff, 1e-6);
    EXPECT_LE(wdiff, 1e-5);
  }
}

TEST_F(TwoNodes, KilledRankOnNodeOneFailsBothNodes) {
  const auto exits = launch({DIST_WORKER, "kill", dir_, "victim=3", "timeout_s=10"}, 60);
  for (int node = 0; node < 2; ++node) {
    std::cout << "node " << node << " launcher exited with " << exits[node].code << " after "
              << exits[node].seconds << " s\n";
    EXPECT_FALSE(exits[node].timed_out) << log(node);
    EXPECT_NE(exits[node].code, 0) << log(node);
  }
  EXPECT_NE(log(1).find("worker rank 3"), std::string::npos) << log(1);
  // Node 0's workers found out and named rank 3 (from node 1's launcher or their own watch).
  const std::string node0 = log(0);
  EXPECT_NE(node0.find("rank 3"), std::string::npos) << node0;
  const auto err = node0.find("error: ");
  if (err != std::string::npos) std::cout << "node 0 says: " << node0.substr(err, node0.find('\n', err) - err) << "\n";
}

}  // namespace
