// Autocast (mixed precision) state of the devices vlmforge runs on. ATen keeps it per thread, so
// code that replays a forward elsewhere (activation checkpointing in the backward pass) captures
// it with AutocastState::current() and re-enters it with an AutocastScope.
#pragma once

#include <torch/torch.h>

namespace vlmforge {

struct AutocastState {
  bool cpu = false, cuda = false;
  at::ScalarType cpu_dtype = at::kBFloat16, cuda_dtype = at::kBFloat16;

  static AutocastState current();
  // Autocast to `dtype` on `device`'s type (other device types off).
  static AutocastState lower_precision(torch::Device device, at::ScalarType dtype);
  bool any() const { return cpu || cuda; }
};

// RAII: enters `state` and restores the previous one on exit. Nesting is counted as
// torch.autocast does: the cache of weight casts is cleared when the outermost enabled scope
// exits, so no stale bf16 copy of an updated parameter survives an optimizer step.
class AutocastScope {
 public:
  explicit AutocastScope(const AutocastState& state);
  ~AutocastScope();
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  AutocastState previous_;
  bool counted_ = false;
};

}  // namespace vlmforge
