// Parameters addressed by their Hugging Face names.
//
// Modules keep plain torch::Tensor members (possibly fused, e.g. q/k/v stacked into one weight)
// and describe them as ParamSlots: an HF name plus the rows of the storage tensor it occupies.
// Loading copies each HF tensor into its slot, saving reads the slot's view, freezing toggles
// requires_grad on the storage (a fused storage is frozen or trained as a whole).
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

namespace vlmforge {

struct ParamSlot {
  std::string name;                // HF name, e.g. "model.layers.0.self_attn.q_proj.weight"
  torch::Tensor* storage = nullptr;  // the tensor the module computes with
  int64_t offset = 0;              // first row (dim 0) of this slot inside *storage
  int64_t rows = -1;               // rows of dim 0; -1 = the whole storage

  // The slot's tensor as a view of the storage (shares memory).
  torch::Tensor view() const {
    return rows < 0 ? *storage : storage->narrow(0, offset, rows);
  }
  std::vector<int64_t> shape() const { return view().sizes().vec(); }
};

using ParamList = std::vector<ParamSlot>;

inline std::string join_name(const std::string& prefix, const std::string& name) {
  if (prefix.empty()) return name;
  if (name.empty()) return prefix;
  return prefix + "." + name;
}

// Unique storages behind the slots (a fused or tied tensor appears once).
std::vector<torch::Tensor*> unique_storages(const ParamList& slots);
// Converts every storage to `opts` (device/dtype), keeping tied tensors tied.
void convert_params(const ParamList& slots, const torch::TensorOptions& opts);
// Sets requires_grad on the storages of slots whose HF name starts with `prefix` ("" = all).
// A fused storage follows its first matching slot (q/k/v and gate/up train together).
void set_requires_grad(const ParamList& slots, const std::string& prefix, bool requires_grad);
// Sum of elements over unique storages.
int64_t count_params(const ParamList& slots);

}  // namespace vlmforge
