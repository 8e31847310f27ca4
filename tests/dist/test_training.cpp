// Data-parallel correctness and failure behaviour with Gloo on CPU: worker processes
// (dist_worker) against a single-process plain-LibTorch reference on the concatenated data.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/dist/spawn.h"
#include "tests/dist/tiny_model.h"
#include "train/dist/grad_sync.h"

namespace {

namespace fs = std::filesystem;
using dist_test::ExitInfo;

struct Job {
  std::string dir;
  std::vector<ExitInfo> exits;
  std::vector<std::string> logs;  // kept in memory for the failure messages
  Job() = default;
  Job(Job&&) = default;
  ~Job() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

Job run_job(const std::string& name, int world, const std::string& mode,
            const std::vector<std::string>& opts, double timeout_s, int expendable = -1) {
  Job job;
  job.dir = (fs::temp_directory_path() / ("vlmforge_dist_" + name + "_" + std::to_string(getpid())))
                .string();
  fs::remove_all(job.dir);
  fs::create_directories(job.dir);
  const std::string port = std::to_string(dist_test::free_port());
  std::vector<pid_t> pids;
  for (int r = 0; r < world; ++r) {
    std::vector<std::string> argv{DIST_WORKER, mode, job.dir};
    argv.insert(argv.end(), opts.begin(), opts.end());
    pids.push_back(dist_test::spawn(
        argv,
        {{"RANK", std::to_string(r)}, {"WORLD_SIZE", std::to_string(world)},
         {"LOCAL_RANK", std::to_string(r)}, {"LOCAL_WORLD_SIZE", std::to_string(world)},
         {"MASTER_ADDR", "127.0.0.1"}, {"MASTER_PORT", port}, {"OMP_NUM_THREADS", "1"}},
        job.dir + "/rank" + std::to_string(r) + ".log"));
  }
  job.exits = dist_test::wait_all(pids, timeout_s, expendable);
  for (int r = 0; r < world; ++r) job.logs.push_back(dist_test::slurp(job.dir + "/rank" + std::to_string(r) + ".log"));
  return job;
}

void expect_matches_reference(const Job& job, int world, int64_t steps) {
  for (int r = 0; r < world; ++r) {
    ASSERT_EQ(job.exits[r].code, 0) << "rank " << r << " log:\n" << job.logs[r];
  }
  auto [ref_grads, ref_weights] = dist_test::reference(steps, 16, 0.1);
  for (int r = 0; r < world; ++r) {
    auto grads = dist_test::read_floats(job.dir + "/grads_rank" + std::to_string(r) + ".bin");
    auto weights = dist_test::read_floats(job.dir + "/weights_rank" + std::to_string(r) + ".bin");
    ASSERT_EQ(grads.numel(), ref_grads.numel());
    ASSERT_EQ(weights.numel(), ref_weights.numel());
    const double gdiff = (grads - ref_grads).abs().max().item<double>();
    const double wdiff = (weights - ref_weights).abs().max().item<double>();
    std::cout << "world " << world << " rank " << r << ": grad max-abs-diff " << gdiff
              << ", weights after " << steps << " steps max-abs-diff " << wdiff << "\n";
    EXPECT_LE(gdiff, 1e-6);
    EXPECT_LE(wdiff, 1e-5);
  }
}

TEST(DistTraining, TwoRanksSmallBucketsOverlapBackward) {
  // ~1 KB buckets: the 1.4k-parameter MLP spans several, launched from inside backward.
  auto job = run_job("two", 2, "train", {"bucket_mb=0.001", "steps=3"}, 120);
  expect_matches_reference(job, 2, 3);
  EXPECT_NE(job.logs[0].find("launched_during_backward"), std::string::npos);
  EXPECT_EQ(job.logs[0].find("launched_during_backward 0"), std::string::npos) << job.logs[0];
}

TEST(DistTraining, FourRanksWithAccumulation) {
  // Local batch 4 = 2 micro-steps of 2; only the second backward all-reduces.
  auto job = run_job("four", 4, "train", {"accum=2", "steps=3", "bucket_mb=0.002"}, 180);
  expect_matches_reference(job, 4, 3);
  // 3 buckets x 3 optimizer steps: the no_sync micro-steps launched nothing.
  EXPECT_NE(job.logs[0].find("buckets 3 launched_during_backward 3 collectives 9"),
            std::string::npos) << job.logs[0];
}

TEST(DistTraining, WorldSizeOneIsPlainTraining) {
  vlmforge::dist::DistEnv env;  // no launcher
  vlmforge::dist::Distributed dist(env, {}, torch::kCPU);
  EXPECT_FALSE(dist.active());
  dist_test::TinyMlp model(100);
  vlmforge::dist::GradientBucketer bucketer(dist, model.params, 0.001);
  auto [x, y] = dist_test::global_batch(0, 16);
  torch::mse_loss(model.forward(x), y).backward();
  auto before = dist_test::flatten(model.params, true).clone();
  bucketer.finish();
  EXPECT_TRUE(torch::equal(before, dist_test::flatten(model.params, true)));
  EXPECT_EQ(dist.all_reduce_mean(2.5), 2.5);
  dist.barrier();
}

// A failure on `victim` must make every other rank exit non-zero, naming the victim, within
// `limit_s` of the failure (the victim's "failure injected at" time).
void expect_failure_named(const Job& job, int victim, double limit_s, const std::string& text) {
  const std::string mark = "failure injected at ";
  const auto at = job.logs[victim].find(mark);
  ASSERT_NE(at, std::string::npos) << job.logs[victim];
  const double injected = std::stod(job.logs[victim].substr(at + mark.size()));
  for (size_t r = 0; r < job.exits.size(); ++r) {
    if (static_cast<int>(r) == victim) continue;
    const auto& e = job.exits[r];
    const double detect_s = e.exit_epoch_s - injected;
    std::cout << "rank " << r << " exited with " << e.code << " " << detect_s
              << " s after the failure of rank " << victim << " (limit " << limit_s << " s)\n";
    EXPECT_FALSE(e.timed_out) << "rank " << r << " hung; log:\n" << job.logs[r];
    EXPECT_NE(e.code, 0) << job.logs[r];
    EXPECT_LE(detect_s, limit_s);
    EXPECT_NE(job.logs[r].find(text), std::string::npos) << "rank " << r << " log:\n" << job.logs[r];
  }
}

TEST(DistFailures, KilledRankIsNamedByTheOthers) {
  auto job = run_job("kill", 3, "kill", {"victim=1", "timeout_s=10", "heartbeat_s=0.5"}, 60);
  EXPECT_EQ(job.exits[1].signal, SIGKILL);
  expect_failure_named(job, 1, 10, "rank 1 ");
}

TEST(DistFailures, KilledStoreHostIsNamedByTheOthers) {
  // Rank 0 hosts the store here (no launcher): the survivors lose the store and say so.
  auto job = run_job("kill0", 3, "kill", {"victim=0", "timeout_s=10", "heartbeat_s=0.5"}, 60);
  EXPECT_EQ(job.exits[0].signal, SIGKILL);
  expect_failure_named(job, 0, 10, "rank 0");
}

TEST(DistFailures, MissingRankIsNamedAtRendezvous) {
  // Only rank 0 of 2 starts: it must give up after timeout_s and name rank 1.
  Job job;
  job.dir = (fs::temp_directory_path() / ("vlmforge_dist_missing_" + std::to_string(getpid()))).string();
  fs::create_directories(job.dir);
  const pid_t pid = dist_test::spawn(
      {DIST_WORKER, "kill", job.dir, "victim=5", "timeout_s=4", "heartbeat_s=0.5"},
      {{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "127.0.0.1"},
       {"MASTER_PORT", std::to_string(dist_test::free_port())}},
      job.dir + "/rank0.log");
  const auto exits = dist_test::wait_all({pid}, 30);
  const std::string log = dist_test::slurp(job.dir + "/rank0.log");
  std::cout << "rank 0 alone exited with " << exits[0].code << " after " << exits[0].seconds
            << " s: " << log.substr(0, log.find('\n')) << "\n";
  EXPECT_FALSE(exits[0].timed_out);
  EXPECT_NE(exits[0].code, 0);
  EXPECT_LE(exits[0].seconds, 4 + 1.5 + 5);
  EXPECT_NE(log.find("rank 1 never joined"), std::string::npos) << log;
}

TEST(DistFailures, StoppedRankIsNamedByTheOthers) {
  // SIGSTOP freezes every thread of rank 2, heartbeats included; wait_all kills it at the end.
  auto job = run_job("stop", 3, "stop", {"victim=2", "timeout_s=6", "heartbeat_s=0.5"}, 30, 2);
  // Within timeout_s (the liveness monitor or the collective timeout) + diagnosis (3 beats + 1 s).
  expect_failure_named(job, 2, 6 + 2.5 + 2, "rank 2 ");
}

TEST(DistFailures, HungRankIsNamedAndExitsToo) {
  // Rank 1 is alive (heartbeats) but never enters the collective: the others' collective times
  // out, they name it as behind, and rank 1's monitor reads the posted reason and exits.
  auto job = run_job("hang", 2, "hang", {"victim=1", "timeout_s=5", "heartbeat_s=0.5"}, 40);
  // Within timeout_s (the collective timeout) + diagnosis (two fresh beats, 3 at most) + 3 s of
  // slack for a loaded machine.
  expect_failure_named(job, 1, 5 + 1.5 + 3, "rank 1 ");
  EXPECT_FALSE(job.exits[1].timed_out) << job.logs[1];
  EXPECT_NE(job.exits[1].code, 0);
}

TEST(DistFailures, ErrorOnOneRankStopsTheOthers) {
  auto job = run_job("error", 2, "error", {"victim=0", "timeout_s=10", "heartbeat_s=0.5"}, 40);
  EXPECT_EQ(job.exits[0].code, 1);
  EXPECT_NE(job.logs[0].find("bad sample in shard"), std::string::npos) << job.logs[0];
  expect_failure_named(job, 0, 10, "rank 0 ");
}

}  // namespace
