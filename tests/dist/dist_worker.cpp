// One rank of a distributed test job, started by the tests (directly or through
// `vlmforge launch`) with the launcher variables in its environment.
//   dist_worker MODE OUT_DIR [key=value ...]
// MODE train: K SGD steps of TinyMlp on its shard of each global batch through
//   Distributed + GradientBucketer; writes grads (step 0) and final weights per rank.
// MODE kill|stop|hang|error: rank `victim` dies (SIGKILL), stops (SIGSTOP), hangs outside any
//   collective, or throws; the others all-reduce in a loop until the job fails.
// MODE env: prints the parsed environment.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <map>
#include <thread>

#include "models/core/error.h"
#include "tests/dist/tiny_model.h"
#include "train/dist/grad_sync.h"

namespace {

using namespace vlmforge::dist;

int run(const std::string& mode, const std::string& out, std::map<std::string, double> opt) {
  auto get = [&](const std::string& k, double d) { return opt.count(k) ? opt[k] : d; };
  const DistEnv env = dist_env_from_process();
  if (mode == "env") {
    std::cout << env.describe() << std::endl;
    return 0;
  }
  DistConfig cfg;
  cfg.timeout_s = get("timeout_s", 20);
  cfg.heartbeat_s = get("heartbeat_s", 0.5);
  cfg.bucket_mb = get("bucket_mb", 25);
  Distributed dist(env, cfg, torch::kCPU);
  const int rank = dist.rank(), world = dist.world_size();

  if (mode == "train") {
    const int64_t steps = get("steps", 3), accum = get("accum", 1), global = get("batch", 16);
    const double lr = get("lr", 0.1);
    dist_test::TinyMlp model(100 + rank);  // differs per rank until the broadcast
    dist.broadcast(model.params);
    GradientBucketer bucketer(dist, model.params, cfg.bucket_mb);
    const int64_t local = global / world, micro = local / accum;
    for (int64_t step = 0; step < steps; ++step) {
      auto [x, y] = dist_test::global_batch(step, global);
      double loss_sum = 0;
      for (int64_t m = 0; m < accum; ++m) {
        auto guard = m + 1 < accum ? bucketer.no_sync() : nullptr;
        const int64_t begin = rank * local + m * micro;
        auto loss = torch::mse_loss(model.forward(x.narrow(0, begin, micro)),
                                    y.narrow(0, begin, micro)) / double(accum);
        loss.backward();
        loss_sum += loss.item<double>();
      }
      bucketer.finish();
      const double mean_loss = dist.all_reduce_mean(loss_sum);
      if (step == 0) {
        dist_test::write_floats(out + "/grads_rank" + std::to_string(rank) + ".bin",
                                dist_test::flatten(model.params, true));
      }
      torch::NoGradGuard ng;
      for (auto& p : model.params) {
        p.sub_(p.grad() * lr);
        p.mutable_grad().zero_();
      }
      if (rank == 0) std::cout << "step " << step << " loss " << mean_loss << std::endl;
    }
    dist_test::write_floats(out + "/weights_rank" + std::to_string(rank) + ".bin",
                            dist_test::flatten(model.params, false));
    std::cout << "rank " << rank << " buckets " << bucketer.num_buckets()
              << " launched_during_backward " << bucketer.launched_during_backward()
              << " collectives " << bucketer.collectives_launched() << std::endl;
    dist.shutdown();
    return 0;
  }

  const int victim = static_cast<int>(get("victim", 1));
  dist.barrier();
  // Every rank is past the rendezvous: failure detection time is measured from here.
  std::printf("failure injected at %.3f\n",
              std::chrono::duration<double>(
                  std::chrono::system_clock::now().time_since_epoch()).count());
  std::fflush(stdout);
  if (rank == victim) {
    if (mode == "kill") raise(SIGKILL);
    if (mode == "stop") raise(SIGSTOP);
    if (mode == "hang") std::this_thread::sleep_for(std::chrono::hours(1));
    if (mode == "error") throw vlmforge::Error("bad sample in shard", "rank " + std::to_string(rank));
  }
  auto t = torch::ones({1000});
  for (int i = 0;; ++i) {
    dist.all_reduce_sum_(t, "test all_reduce " + std::to_string(i));
    t.fill_(1);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);  // as the vlmforge binary: a dead peer is an error, not a death
  if (argc < 3) {
    std::cerr << "usage: dist_worker MODE OUT_DIR [key=value ...]\n";
    return 2;
  }
  std::map<std::string, double> opt;
  for (int i = 3; i < argc; ++i) {
    std::string a = argv[i];
    const auto eq = a.find('=');
    opt[a.substr(0, eq)] = std::stod(a.substr(eq + 1));
  }
  try {
    return run(argv[1], argv[2], opt);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << std::endl;
    return 1;
  }
}
