// Linear layer y = x W^T + b whose weight may stack several HF linears ("parts") along the output
// dimension, so q/k/v or gate/up run as one GEMM while each part keeps its HF name.
// Every part can carry an adapter (LoRA) that adds a delta to that part's output slice.
#pragma once

#include "models/layers/params.h"

#include <memory>
#include <string>
#include <vector>

namespace vlmforge {

// A trainable side path attached to one named linear (LoRA and friends).
class LinearAdapter {
 public:
  virtual ~LinearAdapter() = default;
  // x: [..., in_features] -> [..., part out_features]
  virtual torch::Tensor forward(const torch::Tensor& x) = 0;
  // Adapter parameters, named relative to the linear's HF name (e.g. "lora_A.weight").
  virtual void collect(const std::string& linear_name, ParamList& out) = 0;
  // Low-rank adapters (delta = up · projected) hand out their two factors so a stacked linear adds
  // every part's delta with ONE GEMM into its output (no per-part slices, no concatenation):
  // `projected` [N, r] is the scaled down-projection of x2d [N, in] (dropout applied), `up`
  // [part out_features, r]. Adapters that are not low-rank return false and run via forward().
  virtual bool low_rank(const torch::Tensor& /*x2d*/, torch::Tensor* /*projected*/,
                        torch::Tensor* /*up*/) {
    return false;
  }
};

struct LinearPart {
  std::string name;  // HF module name relative to the owner, e.g. "q_proj"
  int64_t offset = 0, rows = 0;
  std::shared_ptr<LinearAdapter> adapter;
};

class Linear {
 public:
  Linear() = default;
  // One HF linear.
  Linear(const std::string& name, int64_t in_features, int64_t out_features, bool bias,
         const torch::TensorOptions& opts);
  // Several HF linears stacked along the output: parts = {(name, out_features), ...}.
  Linear(const std::vector<std::pair<std::string, int64_t>>& parts, int64_t in_features,
         bool bias, const torch::TensorOptions& opts);

  // [..., in] -> [..., sum(out)]. `input_grad_rows` (int64 indices into the flattened leading
  // dimensions of x): the caller needs d(x) on those rows only. With a frozen weight and bias the
  // base GEMM's input gradient is then formed for those rows alone and the other rows of its
  // d(x) are zero (adapters still contribute to every row). The LLM's first block uses it: only
  // image positions lead back to trainable parameters there.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor* input_grad_rows = nullptr) const;

  // HF names: "<prefix>.<part>.weight" / ".bias" (+ adapter parameters).
  void collect(const std::string& prefix, ParamList& out);

  int64_t in_features() const { return weight.size(1); }
  int64_t out_features() const { return weight.size(0); }

  torch::Tensor weight;  // [sum(out), in]
  torch::Tensor bias;    // [sum(out)] or undefined
  std::vector<LinearPart> parts;
};

// A named linear exposed for wrapping: the module and the index of its part.
struct NamedLinear {
  std::string name;  // full HF module name, e.g. "model.layers.3.self_attn.v_proj"
  Linear* linear = nullptr;
  size_t part = 0;
  LinearPart& get() const { return linear->parts[part]; }
};
using LinearList = std::vector<NamedLinear>;

void collect_linears(const std::string& prefix, Linear& linear, LinearList& out);

// Initialisation used for freshly built (not loaded) weights: N(0, std), zero bias.
void init_normal(Linear& linear, double std);

}  // namespace vlmforge
