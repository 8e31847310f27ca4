#include "models/layers/params.h"

#include <map>
#include <set>

namespace vlmforge {

std::vector<torch::Tensor*> unique_storages(const ParamList& slots) {
  std::vector<torch::Tensor*> out;
  std::set<const void*> seen_impl;
  for (const ParamSlot& s : slots) {
    if (!seen_impl.insert(s.storage->unsafeGetTensorImpl()).second) continue;
    out.push_back(s.storage);
  }
  return out;
}

void convert_params(const ParamList& slots, const torch::TensorOptions& opts) {
  torch::NoGradGuard no_grad;
  // Tied storages are distinct members holding the same TensorImpl: convert once, assign to all.
  std::map<const void*, torch::Tensor> converted;
  std::set<torch::Tensor*> done;
  for (const ParamSlot& s : slots) {
    if (!done.insert(s.storage).second) continue;
    const void* impl = s.storage->unsafeGetTensorImpl();
    auto it = converted.find(impl);
    if (it == converted.end()) {
      const bool grad = s.storage->requires_grad();
      torch::Tensor t = s.storage->to(opts).detach();
      if (grad) t.requires_grad_(true);
      it = converted.emplace(impl, t).first;
    }
    *s.storage = it->second;
  }
}

void set_requires_grad(const ParamList& slots, const std::string& prefix, bool requires_grad) {
  std::set<const void*> done;
  for (const ParamSlot& s : slots) {
    if (s.name.compare(0, prefix.size(), prefix) != 0) continue;
    if (!done.insert(s.storage->unsafeGetTensorImpl()).second) continue;
    s.storage->requires_grad_(requires_grad);
  }
}

int64_t count_params(const ParamList& slots) {
  int64_t n = 0;
  for (torch::Tensor* t : unique_storages(slots)) n += t->numel();
  return n;
}

}  // namespace vlmforge
