#include "models/layers/autocast.h"

#include <ATen/autocast_mode.h>

namespace vlmforge {

AutocastState AutocastState::current() {
  AutocastState s;
  s.cpu = at::autocast::is_autocast_enabled(at::kCPU);
  s.cuda = at::autocast::is_autocast_enabled(at::kCUDA);
  s.cpu_dtype = at::autocast::get_autocast_dtype(at::kCPU);
  s.cuda_dtype = at::autocast::get_autocast_dtype(at::kCUDA);
  return s;
}

AutocastState AutocastState::lower_precision(torch::Device device, at::ScalarType dtype) {
  AutocastState s;
  if (device.is_cuda()) {
    s.cuda = true;
    s.cuda_dtype = dtype;
  } else {
    s.cpu = true;
    s.cpu_dtype = dtype;
  }
  return s;
}

namespace {
void apply(const AutocastState& s) {
  at::autocast::set_autocast_enabled(at::kCPU, s.cpu);
  at::autocast::set_autocast_enabled(at::kCUDA, s.cuda);
  at::autocast::set_autocast_dtype(at::kCPU, s.cpu_dtype);
  at::autocast::set_autocast_dtype(at::kCUDA, s.cuda_dtype);
}
}  // namespace

AutocastScope::AutocastScope(const AutocastState& state) : previous_(AutocastState::current()) {
  apply(state);
  if (state.any()) {
    at::autocast::increment_nesting();
    counted_ = true;
  }
}

AutocastScope::~AutocastScope() {
  if (counted_ && at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  apply(previous_);
}

}  // namespace vlmforge
