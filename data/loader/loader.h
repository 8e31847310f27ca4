// Threaded prefetching loader: N worker threads fetch samples and run the collate function
// (decode, resize, tokenize) for batches ahead of the training step; batches come out strictly
// in plan order (data/loader/sampler.h), so the sequence is the same for any worker count or
// timing, and position()/restore() resume it exactly.
//
//   DataLoader<Batch> loader(dataset, collate, options);
//   while (auto batch = loader.next()) { ... }   // nullopt once at the end of each epoch
//   LoaderPosition pos = loader.position();     // save with the checkpoint
//   loader.restore(pos);                        // continue with the very next batch
//
// A worker exception (corrupt image, ...) is rethrown by next() for the batch it belongs to.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "data/dataset/dataset.h"
#include "data/loader/sampler.h"
#include "models/core/error.h"

namespace vlmforge::data {

struct LoaderOptions {
  int64_t batch_size = 1;  // per rank
  int64_t grad_accum = 1;  // batches per optimizer step: an epoch is whole global batches
  uint64_t seed = 0;
  bool shuffle = true;
  bool drop_last = true;
  int rank = 0;
  int world_size = 1;
  int num_workers = 2;     // 0 = collate on the calling thread
  int prefetch = 4;        // batches prepared ahead (>= 1)
};

template <class Batch>
class DataLoader {
 public:
  using Collate = std::function<Batch(std::vector<Sample>)>;

  DataLoader(const Dataset& dataset, Collate collate, LoaderOptions opt)
      : dataset_(dataset), collate_(std::move(collate)), opt_(opt) {
    plan_.dataset_size = dataset.size();
    plan_.batch_size = opt.batch_size;
    plan_.grad_accum = opt.grad_accum;
    plan_.seed = opt.seed;
    plan_.shuffle = opt.shuffle;
    plan_.drop_last = opt.drop_last;
    plan_.rank = opt.rank;
    plan_.world_size = opt.world_size;
    plan_.validate();
    if (opt_.num_workers < 0) throw Error("num_workers must be >= 0", "data.num_workers");
    if (opt_.prefetch < 1) opt_.prefetch = 1;
    start(0);
  }
  ~DataLoader() { stop(); }
  DataLoader(const DataLoader&) = delete;
  DataLoader& operator=(const DataLoader&) = delete;

  size_t batches_per_epoch() const { return plan_.batches_per_epoch(); }
  const ShardPlan& plan() const { return plan_; }

  // The next batch, or nullopt once when an epoch ends (the following call starts the next).
  std::optional<Batch> next() {
    if (epoch_end_pending_) {
      epoch_end_pending_ = false;
      return std::nullopt;
    }
    const int64_t job = consumed_;
    Slot slot;
    if (opt_.num_workers == 0) {
      slot = run_job(job);
    } else {
      std::unique_lock<std::mutex> lock(mu_);
      ready_cv_.wait(lock, [&] { return done_.count(job) != 0; });
      slot = std::move(done_[job]);
      done_.erase(job);
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++consumed_;
    }
    work_cv_.notify_all();
    if ((first_abs_ + consumed_) % static_cast<int64_t>(batches_per_epoch()) == 0) epoch_end_pending_ = true;
    if (slot.error) std::rethrow_exception(slot.error);
    return std::move(slot.batch);
  }

  // Position of the next batch next() returns (after an epoch's last batch: the next epoch's
  // batch 0, whether or not the end-of-epoch nullopt was taken yet).
  LoaderPosition position() const {
    const int64_t abs = first_abs_ + consumed_;
    const int64_t per = static_cast<int64_t>(batches_per_epoch());
    const int64_t chunk = plan_.batch_size * plan_.world_size;  // samples per loader batch, all ranks
    LoaderPosition p;
    p.epoch = abs / per;
    p.samples = abs % per * chunk;
    p.seed = opt_.seed;
    p.dataset_size = static_cast<int64_t>(plan_.dataset_size);
    p.global_batch = plan_.global_batch();
    p.batch_size = plan_.batch_size;
    p.grad_accum = plan_.grad_accum;
    p.world_size = plan_.world_size;
    return p;
  }

  // Continues from `pos`, saved by this or another split of the same global batch (see
  // check_resumable: another dataset, seed or global batch is refused, as the batches would
  // differ from the interrupted run's).
  void restore(const LoaderPosition& pos) {
    check_resumable(pos, plan_);
    const int64_t per = static_cast<int64_t>(batches_per_epoch());
    stop();
    start(pos.epoch * per + pos.samples / (plan_.batch_size * plan_.world_size));
  }

 private:
  struct Slot {
    std::optional<Batch> batch;
    std::exception_ptr error;
  };

  // Job j = the j-th batch after the start position; abs = first_abs_ + j over all epochs.
  Slot run_job(int64_t job) {
    Slot slot;
    try {
      const int64_t per = static_cast<int64_t>(batches_per_epoch());
      const int64_t abs = first_abs_ + job;
      const std::vector<size_t> idx = plan_.batch_indices(*order_of(abs / per), static_cast<size_t>(abs % per));
      std::vector<Sample> samples;
      samples.reserve(idx.size());
      for (size_t i : idx) samples.push_back(dataset_.get(i));
      slot.batch.emplace(collate_(std::move(samples)));
    } catch (...) {
      slot.error = std::current_exception();
    }
    return slot;
  }

  // Orders of the (at most two) epochs in flight, computed once each.
  std::shared_ptr<const std::vector<size_t>> order_of(int64_t epoch) {
    std::lock_guard<std::mutex> lock(order_mu_);
    auto it = orders_.find(epoch);
    if (it != orders_.end()) return it->second;
    while (!orders_.empty() && orders_.begin()->first < epoch - 1) orders_.erase(orders_.begin());
    auto order = std::make_shared<const std::vector<size_t>>(plan_.epoch_order(epoch));
    orders_[epoch] = order;
    return order;
  }

  void start(int64_t first_abs) {
    first_abs_ = first_abs;
    consumed_ = claimed_ = 0;
    epoch_end_pending_ = false;
    stopping_ = false;
    done_.clear();
    for (int w = 0; w < opt_.num_workers; ++w) workers_.emplace_back([this] { work(); });
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    work_cv_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

  void work() {
    for (;;) {
      int64_t job;
      {
        std::unique_lock<std::mutex> lock(mu_);
        work_cv_.wait(lock, [&] { return stopping_ || claimed_ < consumed_ + opt_.prefetch; });
        if (stopping_) return;
        job = claimed_++;
      }
      Slot slot = run_job(job);
      {
        std::lock_guard<std::mutex> lock(mu_);
        done_[job] = std::move(slot);
      }
      ready_cv_.notify_all();
    }
  }

  const Dataset& dataset_;
  Collate collate_;
  LoaderOptions opt_;
  ShardPlan plan_;

  std::mutex mu_;  // guards consumed_, claimed_, done_, stopping_
  std::condition_variable work_cv_, ready_cv_;
  std::vector<std::thread> workers_;
  std::map<int64_t, Slot> done_;
  int64_t first_abs_ = 0, consumed_ = 0, claimed_ = 0;
  bool stopping_ = false;
  bool epoch_end_pending_ = false;

  std::mutex order_mu_;
  std::map<int64_t, std::shared_ptr<const std::vector<size_t>>> orders_;
};

}  // namespace vlmforge::data
