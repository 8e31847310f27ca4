// Data-parallel gradient averaging with overlap: the trainable parameters' gradients are packed
// into flat buckets of about `bucket_mb`, and each bucket is all-reduced (SUM, then divided by
// the world size in finish()) as soon as all of its gradients have been accumulated during
// backward, while autograd keeps computing the earlier layers.
//
// Invariants every rank must share: the same parameters in the same order (so the same
// buckets), and buckets launched strictly in bucket order (bucket k waits for buckets < k), so
// the collectives match one to one across ranks whatever order autograd finishes leaves in.
// Buckets are filled from the last parameter backwards, the order backward produces gradients.
//
// Use per optimizer step:
//   for each micro-step: { auto guard = last ? nullptr : bucketer.no_sync(); loss.backward(); }
//   bucketer.finish();  // waits, averages, writes .grad; then clip + optimizer.step()
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "train/dist/process_group.h"

namespace vlmforge::dist {

class GradientBucketer {
 public:
  // `params`: trainable leaf tensors (requires_grad), in an order identical on every rank.
  // Installs a post-accumulate-grad hook on each (replacing any other such hook).
  GradientBucketer(Distributed& dist, std::vector<torch::Tensor> params, double bucket_mb);
  ~GradientBucketer();  // removes the hooks
  GradientBucketer(const GradientBucketer&) = delete;
  GradientBucketer& operator=(const GradientBucketer&) = delete;

  // While the returned guard lives, backward only accumulates locally (accumulation
  // micro-steps); the next backward outside a guard all-reduces the accumulated sum.
  class NoSync {
   public:
    explicit NoSync(GradientBucketer& b) : b_(b) { b_.sync_ = false; }
    ~NoSync() { b_.sync_ = true; }

   private:
    GradientBucketer& b_;
  };
  std::unique_ptr<NoSync> no_sync() { return std::make_unique<NoSync>(*this); }

  // After the syncing backward: launches buckets whose gradients never arrived (parameters
  // unused this step on this rank count as zero gradients), waits for all, and writes the
  // averaged gradients into .grad; a parameter no rank used keeps an undefined .grad, as in one
  // process. No-op for world size 1 or inside no_sync.
  void finish();

  size_t num_buckets() const { return buckets_.size(); }
  // Buckets launched from inside backward (before finish()) on the last synced step: > 0 means
  // communication overlapped with backward.
  size_t launched_during_backward() const { return launched_in_backward_; }
  // Bucket all-reduces launched since construction (no_sync micro-steps add none).
  size_t collectives_launched() const { return collectives_launched_; }

 private:
  struct Bucket {
    std::vector<size_t> params;    // indices into params_
    std::vector<int64_t> offsets;  // element offset of each param in `flat`
    torch::Tensor flat;            // [sum numel], params' dtype and device
    size_t pending = 0;            // gradients not yet accumulated this step
    c10::intrusive_ptr<c10d::Work> work;
  };
  void on_grad_ready(size_t param_index);
  void launch_ready_buckets_locked();
  void launch_locked(Bucket& bucket);
  void reset_locked();

  Distributed& dist_;
  std::vector<torch::Tensor> params_;
  std::vector<size_t> bucket_of_;  // param index -> bucket index
  std::vector<bool> ready_;        // param index -> gradient accumulated this step
  std::vector<Bucket> buckets_;
  size_t next_to_launch_ = 0;
  size_t launched_in_backward_ = 0, launched_this_step_ = 0, collectives_launched_ = 0;
  std::atomic<bool> sync_{true};  // read by hooks on autograd threads
  std::mutex mutex_;  // hooks may run on autograd's device threads
};

}  // namespace vlmforge::dist
