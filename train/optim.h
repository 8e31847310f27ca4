// AdamW over named parameter groups, with state keyed by parameter name so it survives stage
// changes (a parameter that stays trainable keeps its moments) and checkpoints.
//
// Update (decoupled weight decay, Loshchilov & Hutter 2019), written exactly as
// torch.optim.AdamW's single-tensor path so trajectories match the peer step for step:
//   p ← p·(1 − lr·wd);  m ← m + (1−β1)(g − m);  v ← β2·v + (1−β2)·g²
//   p ← p − (lr / (1−β1^t)) · m / (√v / √(1−β2^t) + ε)
#pragma once

#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

#include "models/io/safetensors.h"

namespace vlmforge {

struct NamedParam {
  std::string name;     // HF name (of the first slot for fused storages)
  torch::Tensor param;  // the storage; requires_grad = true while trainable
};

struct ParamGroup {
  std::string name;  // vision | projector | llm | lora
  double lr = 0;     // current learning rate (set by the schedule every step)
  double weight_decay = 0;
  std::vector<NamedParam> params;
};

struct AdamWOptions {
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
};

class AdamW {
 public:
  explicit AdamW(AdamWOptions opts) : opts_(opts) {}

  // Replaces the groups (a new stage); state of parameters that remain is kept, state of
  // parameters no longer present is dropped.
  void set_groups(std::vector<ParamGroup> groups);
  std::vector<ParamGroup>& groups() { return groups_; }

  void step();       // parameters without a gradient are skipped (and keep their state)
  void zero_grad();  // sets .grad to undefined (no memset)

  // State as tensors "<name>.exp_avg", "<name>.exp_avg_sq", "<name>.step" (I64 scalar).
  NamedTensors state_dict() const;
  // Restores state for the current groups' parameters; throws naming a missing/mis-shaped tensor.
  void load_state_dict(const SafetensorsFile& file);

 private:
  struct State {
    torch::Tensor exp_avg, exp_avg_sq;
    int64_t step = 0;
  };
  AdamWOptions opts_;
  std::vector<ParamGroup> groups_;
  std::map<std::string, State> state_;
};

// Global L2 norm of all gradients, and scaling by min(1, max_norm / (norm + 1e-6)) as
// torch.nn.utils.clip_grad_norm_ does. Returns the norm before clipping.
double clip_grad_norm(const std::vector<torch::Tensor>& params, double max_norm);

// Learning-rate multiplier for step `t` (0-based) of a stage of `total` steps: linear warmup over
// `warmup` steps from 0, then cosine | linear | constant decay to `min_ratio` at the end.
double lr_multiplier(const std::string& schedule, int64_t t, int64_t total, int64_t warmup,
                     double min_ratio);

}  // namespace vlmforge
