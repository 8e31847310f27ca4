// The data-parallel job as one object: rendezvous through a TCPStore, a c10d process group
// (NCCL on CUDA, Gloo on CPU), the collectives training needs, and failure handling.
//
// World size 1 (no launcher variables) needs no store and no group: every collective is the
// identity, so the trainer calls the same code on one process and on many.
//
// Failures: every collective waits at most `timeout_s`; a failed or timed-out collective is
// turned into a vlmforge::Error naming the rank at fault (LivenessMonitor::diagnose), and that
// reason is posted so that every other rank exits too (kPeerFailureExitCode) even when it is
// not inside a collective.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "train/dist/compat.h"
#include "train/dist/config.h"
#include "train/dist/env.h"
#include "train/dist/liveness.h"

namespace vlmforge::dist {

class Distributed {
 public:
  // Joins the job described by `env` (rendezvous waits up to cfg.timeout_s for all ranks).
  // `device` selects the backend under backend "auto": CUDA -> NCCL, CPU -> Gloo.
  Distributed(const DistEnv& env, const DistConfig& cfg, torch::Device device);
  // Leaves the job. Called normally (no exception in flight) it synchronises with every rank
  // first (shutdown()); during stack unwinding it posts "rank R failed" and does not wait.
  ~Distributed();
  Distributed(const Distributed&) = delete;
  Distributed& operator=(const Distributed&) = delete;

  int rank() const { return env_.rank; }
  int world_size() const { return env_.world_size; }
  int local_rank() const { return env_.local_rank; }
  bool is_main() const { return env_.rank == 0; }
  bool active() const { return static_cast<bool>(backend_); }  // world size > 1
  const DistEnv& env() const { return env_; }
  const DistConfig& config() const { return cfg_; }
  const std::string& backend_name() const { return backend_name_; }
  torch::Device device() const { return device_; }

  // Copies rank `root`'s values into every rank's tensors, in place (same order, shapes and
  // dtypes on every rank). Coalesced per dtype into buffers of about cfg.bucket_mb.
  void broadcast(const std::vector<torch::Tensor>& tensors, int root = 0);

  // Metrics and scalars: SUM over ranks (then / world size for the means).
  double all_reduce_sum(double value);
  double all_reduce_mean(double value);
  double all_reduce_max(double value);
  std::vector<double> all_reduce_sum(const std::vector<double>& values);
  // Every rank must pass the same keys.
  std::map<std::string, double> all_reduce_mean(const std::map<std::string, double>& metrics);

  // In place SUM of a tensor on this rank's device; `what` names it in errors. The async form
  // returns the work to hand to wait(); collectives must be issued in the same order on every
  // rank.
  void all_reduce_sum_(torch::Tensor& tensor, const std::string& what);
  c10::intrusive_ptr<c10d::Work> all_reduce_sum_async(torch::Tensor tensor);
  void wait(const c10::intrusive_ptr<c10d::Work>& work, const std::string& what);

  void barrier(const std::string& what = "barrier");

  // Synchronised, clean end of the job (idempotent): a barrier, then every rank stops its
  // liveness monitor before the store's host goes away.
  void shutdown();

  // Records `reason` as the job's failure (others exit naming it) and throws vlmforge::Error.
  [[noreturn]] void fail(const std::string& what, const std::string& reason);

 private:
  uint64_t next_seq();
  [[noreturn]] void collective_failed(const std::string& what, const std::exception& e);

  DistEnv env_;
  DistConfig cfg_;
  torch::Device device_;
  std::string backend_name_ = "none";
  std::chrono::milliseconds timeout_;
  c10::intrusive_ptr<c10d::Store> store_;  // prefixed client (or server on rank 0)
  c10::intrusive_ptr<c10d::Backend> backend_;
  std::unique_ptr<LivenessMonitor> monitor_;
  uint64_t seq_ = 0;
  bool failed_ = false, shut_down_ = false;
};

}  // namespace vlmforge::dist
