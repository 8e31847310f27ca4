// `vlmforge launch`: worker environment, failure propagation, signal forwarding, and a real
// 2-rank Gloo job through the launcher-hosted store.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/dist/spawn.h"
#include "tests/dist/tiny_model.h"

namespace {

namespace fs = std::filesystem;

struct TempDir {
  std::string path;
  explicit TempDir(const std::string& name)
      : path((fs::temp_directory_path() /
              ("vlmforge_launch_" + name + "_" + std::to_string(getpid())))
                 .string()) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::vector<std::string> launcher(int nproc, const std::vector<std::string>& worker) {
  std::vector<std::string> argv{LAUNCH_TOOL, "--nproc", std::to_string(nproc), "--master",
                                "127.0.0.1:" + std::to_string(dist_test::free_port()),
                                "--grace", "3", "--"};
  argv.insert(argv.end(), worker.begin(), worker.end());
  return argv;
}

TEST(Launch, WorkersGetTheirEnvironment) {
  TempDir dir("env");
  const auto argv = launcher(3, {"/bin/sh", "-c",
      "echo \"$RANK $LOCAL_RANK $WORLD_SIZE $LOCAL_WORLD_SIZE $GROUP_RANK $MASTER_ADDR "
      "$VLMFORGE_LAUNCH $VLMFORGE_STORE_HOSTED\" > " + dir.path + "/env_$RANK"});
  const pid_t pid = dist_test::spawn(argv, {}, dir.path + "/launch.log");
  const auto exits = dist_test::wait_all({pid}, 60);
  ASSERT_EQ(exits[0].code, 0) << dist_test::slurp(dir.path + "/launch.log");
  for (int r = 0; r < 3; ++r) {
    EXPECT_EQ(dist_test::slurp(dir.path + "/env_" + std::to_string(r)),
              std::to_string(r) + " " + std::to_string(r) + " 3 3 0 127.0.0.1 1 1\n");
  }
}

TEST(Launch, FailingWorkerStopsTheOthers) {
  TempDir dir("fail");
  // Rank 1 exits 3 after a moment; rank 0 would sleep for a minute.
  const auto argv = launcher(2, {"/bin/sh", "-c",
      "echo $$ > " + dir.path + "/pid_$RANK; if [ $RANK = 1 ]; then sleep 0.5; exit 3; fi; "
      "exec sleep 60"});
  const pid_t pid = dist_test::spawn(argv, {}, dir.path + "/launch.log");
  const auto exits = dist_test::wait_all({pid}, 30);
  const std::string log = dist_test::slurp(dir.path + "/launch.log");
  EXPECT_EQ(exits[0].code, 3) << log;
  EXPECT_LT(exits[0].seconds, 10) << log;
  EXPECT_NE(log.find("rank 1"), std::string::npos) << log;
  const pid_t sleeper = std::stoi(dist_test::slurp(dir.path + "/pid_0"));
  EXPECT_NE(kill(sleeper, 0), 0) << "rank 0 still runs";
}

TEST(Launch, ForwardsSigtermToWorkers) {
  TempDir dir("signal");
  const auto argv = launcher(2, {"/bin/sh", "-c",
      "trap 'echo term > " + dir.path + "/term_$RANK; exit 0' TERM; touch " + dir.path +
      "/up_$RANK; while true; do sleep 0.1; done"});
  const pid_t pid = dist_test::spawn(argv, {}, dir.path + "/launch.log");
  for (int i = 0; i < 300 && !(fs::exists(dir.path + "/up_0") && fs::exists(dir.path + "/up_1")); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(pid, SIGTERM);
  const auto exits = dist_test::wait_all({pid}, 30);
  const std::string log = dist_test::slurp(dir.path + "/launch.log");
  EXPECT_EQ(exits[0].code, 128 + SIGTERM) << log;
  EXPECT_EQ(dist_test::slurp(dir.path + "/term_0"), "term\n") << log;
  EXPECT_EQ(dist_test::slurp(dir.path + "/term_1"), "term\n") << log;
}

TEST(Launch, TwoRankTrainingThroughTheLauncherStore) {
  TempDir dir("train");
  const pid_t pid = dist_test::spawn(
      launcher(2, {DIST_WORKER, "train", dir.path, "bucket_mb=0.001", "steps=3"}),
      {{"OMP_NUM_THREADS", "1"}}, dir.path + "/launch.log");
  const auto exits = dist_test::wait_all({pid}, 120);
  ASSERT_EQ(exits[0].code, 0) << dist_test::slurp(dir.path + "/launch.log");
  auto [ref_grads, ref_weights] = dist_test::reference(3, 16, 0.1);
  for (int r = 0; r < 2; ++r) {
    auto w = dist_test::read_floats(dir.path + "/weights_rank" + std::to_string(r) + ".bin");
    ASSERT_EQ(w.numel(), ref_weights.numel());
    const double diff = (w - ref_weights).abs().max().item<double>();
    std::cout << "launch, rank " << r << ": weights max-abs-diff " << diff << "\n";
    EXPECT_LE(diff, 1e-5);
  }
}

TEST(Launch, KilledWorkerFailsTheJob) {
  TempDir dir("kill");
  const pid_t pid = dist_test::spawn(
      launcher(3, {DIST_WORKER, "kill", dir.path, "victim=2", "timeout_s=10"}), {},
      dir.path + "/launch.log");
  const auto exits = dist_test::wait_all({pid}, 60);
  const std::string log = dist_test::slurp(dir.path + "/launch.log");
  EXPECT_EQ(exits[0].code, 128 + SIGKILL) << log;
  EXPECT_NE(log.find("worker rank 2"), std::string::npos) << log;
}

TEST(Launch, TorchrunWithItsAgentStore) {
  // torchrun hosts the store in its agent (TORCHELASTIC_USE_AGENT_STORE=True): the workers
  // connect as clients under /worker/attempt_0/.
  const char* python = std::getenv("VLMFORGE_PYTHON");
  if (!python || !fs::exists(python)) GTEST_SKIP() << "no project venv python (VLMFORGE_PYTHON)";
  TempDir dir("torchrun");
  std::vector<std::string> argv{python, "-m", "torch.distributed.run", "--nproc-per-node", "2",
                                "--master-port", std::to_string(dist_test::free_port()),
                                "--no-python", DIST_WORKER, "train", dir.path,
                                "bucket_mb=0.001", "steps=3"};
  const auto exits = dist_test::wait_all(
      {dist_test::spawn(argv, {{"OMP_NUM_THREADS", "1"}}, dir.path + "/torchrun.log")}, 180);
  ASSERT_EQ(exits[0].code, 0) << dist_test::slurp(dir.path + "/torchrun.log");
  auto [ref_grads, ref_weights] = dist_test::reference(3, 16, 0.1);
  for (int r = 0; r < 2; ++r) {
    auto w = dist_test::read_floats(dir.path + "/weights_rank" + std::to_string(r) + ".bin");
    ASSERT_EQ(w.numel(), ref_weights.numel());
    const double diff = (w - ref_weights).abs().max().item<double>();
    std::cout << "torchrun, rank " << r << ": weights max-abs-diff " << diff << "\n";
    EXPECT_LE(diff, 1e-5);
  }
}

TEST(Launch, VlmforgeBinaryRunsSubcommandsAndPrograms) {
  const char* exe = std::getenv("VLMFORGE_EXE");
  if (!exe || !fs::exists(exe)) GTEST_SKIP() << "vlmforge binary not built (VLMFORGE_EXE)";
  TempDir dir("exe");
  std::vector<std::string> argv{exe, "launch", "--nproc", "2", "--master",
                                "127.0.0.1:" + std::to_string(dist_test::free_port()), "--",
                                "sh", "-c", "echo $RANK/$WORLD_SIZE > " + dir.path + "/r$RANK"};
  auto exits = dist_test::wait_all({dist_test::spawn(argv, {}, dir.path + "/launch.log")}, 60);
  ASSERT_EQ(exits[0].code, 0) << dist_test::slurp(dir.path + "/launch.log");
  EXPECT_EQ(dist_test::slurp(dir.path + "/r1"), "1/2\n");
  // A subcommand runs the same binary: `launch -- tokenize --help` prints tokenize's help.
  argv = {exe, "launch", "--nproc", "1", "--master",
          "127.0.0.1:" + std::to_string(dist_test::free_port()), "--", "tokenize", "--help"};
  exits = dist_test::wait_all({dist_test::spawn(argv, {}, dir.path + "/launch2.log")}, 60);
  const std::string log = dist_test::slurp(dir.path + "/launch2.log");
  EXPECT_EQ(exits[0].code, 0) << log;
  EXPECT_NE(log.find("tokenize"), std::string::npos) << log;
}

}  // namespace
