#include "train/dist/grad_sync.h"

#include "models/core/error.h"

namespace vlmforge::dist {

GradientBucketer::GradientBucketer(Distributed& dist, std::vector<torch::Tensor> params,
                                   double bucket_mb)
    : dist_(dist), params_(std::move(params)) {
  const int64_t bucket_bytes = std::max<int64_t>(1, static_cast<int64_t>(bucket_mb * (1 << 20)));
  bucket_of_.assign(params_.size(), 0);
  ready_.assign(params_.size(), false);
  int64_t bytes = 0;
  for (size_t k = params_.size(); k-- > 0;) {
    const auto& p = params_[k];
    if (!p.requires_grad() || !p.is_leaf()) {
      throw Error("parameter " + std::to_string(k) + " is not a trainable leaf tensor",
                  "GradientBucketer");
    }
    const int64_t n = p.numel() * static_cast<int64_t>(p.element_size());
    const bool fits = !buckets_.empty() && bytes + n <= bucket_bytes &&
                      params_[buckets_.back().params.front()].scalar_type() == p.scalar_type() &&
                      params_[buckets_.back().params.front()].device() == p.device();
    if (!fits) {
      buckets_.emplace_back();
      bytes = 0;
    }
    Bucket& b = buckets_.back();
    b.offsets.push_back(b.params.empty() ? 0 : b.offsets.back() + params_[b.params.back()].numel());
    b.params.push_back(k);
    bucket_of_[k] = buckets_.size() - 1;
    bytes += n;
  }
  // Layout of a bucket's flat buffer: the gradients, then one "has a gradient" flag per parameter
  // (summed over ranks with them: 0 = no rank used the parameter this step).
  for (auto& b : buckets_) {
    const auto& last = params_[b.params.back()];
    b.flat = torch::zeros({b.offsets.back() + last.numel() + static_cast<int64_t>(b.params.size())},
                          last.options().requires_grad(false));
    b.pending = b.params.size();
  }
  if (!dist_.active()) return;
  for (size_t k = 0; k < params_.size(); ++k) {
    compat::set_post_accumulate_grad_hook(params_[k],
                                          [this, k](const torch::Tensor&) { on_grad_ready(k); });
  }
}

GradientBucketer::~GradientBucketer() {
  if (!dist_.active()) return;
  for (auto& p : params_) compat::clear_post_accumulate_grad_hook(p);
}

void GradientBucketer::on_grad_ready(size_t k) {
  if (!sync_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (ready_[k]) return;
  ready_[k] = true;
  --buckets_[bucket_of_[k]].pending;
  const size_t before = next_to_launch_;
  launch_ready_buckets_locked();
  launched_this_step_ += next_to_launch_ - before;
}

void GradientBucketer::launch_ready_buckets_locked() {
  while (next_to_launch_ < buckets_.size() && buckets_[next_to_launch_].pending == 0) {
    launch_locked(buckets_[next_to_launch_++]);
  }
}

void GradientBucketer::launch_locked(Bucket& b) {
  torch::NoGradGuard no_grad;
  const int64_t flags = b.flat.numel() - static_cast<int64_t>(b.params.size());
  for (size_t i = 0; i < b.params.size(); ++i) {
    const auto& p = params_[b.params[i]];
    auto slot = b.flat.slice(0, b.offsets[i], b.offsets[i] + p.numel());
    const auto& g = p.grad();
    if (g.defined()) {
      slot.copy_(g.reshape(-1));
    } else {
      slot.zero_();  // unused this step on this rank
    }
    b.flat[flags + static_cast<int64_t>(i)].fill_(g.defined() ? 1 : 0);
  }
  b.work = dist_.all_reduce_sum_async(b.flat);
  ++collectives_launched_;
}

void GradientBucketer::finish() {
  if (!dist_.active() || !sync_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  torch::NoGradGuard no_grad;
  launched_in_backward_ = launched_this_step_;
  launched_this_step_ = 0;
  while (next_to_launch_ < buckets_.size()) launch_locked(buckets_[next_to_launch_++]);
  const double inv_world = 1.0 / dist_.world_size();
  for (size_t bi = 0; bi < buckets_.size(); ++bi) {
    Bucket& b = buckets_[bi];
    dist_.wait(b.work, "gradient all_reduce (bucket " + std::to_string(bi) + " of " +
                           std::to_string(buckets_.size()) + ")");
    b.work.reset();
    const int64_t flags = b.flat.numel() - static_cast<int64_t>(b.params.size());
    const torch::Tensor used = b.flat.narrow(0, flags, static_cast<int64_t>(b.params.size())).ne(0).cpu();
    b.flat.mul_(inv_world);
    for (size_t i = 0; i < b.params.size(); ++i) {
      auto& p = params_[b.params[i]];
      // No rank used it: leave .grad undefined, as one process would (AdamW skips it).
      if (!used[static_cast<int64_t>(i)].item<bool>()) continue;
      auto avg = b.flat.slice(0, b.offsets[i], b.offsets[i] + p.numel()).view(p.sizes());
      if (p.grad().defined()) {
        p.mutable_grad().copy_(avg);
      } else {
        p.mutable_grad() = avg.clone();
      }
    }
  }
  reset_locked();
}

void GradientBucketer::reset_locked() {
  for (auto& b : buckets_) b.pending = b.params.size();
  ready_.assign(params_.size(), false);
  next_to_launch_ = 0;
}

}  // namespace vlmforge::dist
