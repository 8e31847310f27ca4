// LoRA (Hu et al. 2021) as a LinearAdapter: y = W x + b + scaling · B (A dropout(x)), with
// A [r, in] Kaiming-uniform (a = √5, as PEFT: bound 1/√in) and B [out, r] zero, so a fresh adapter
// changes nothing. scaling = alpha / r, or alpha / √r with rsLoRA. Parameter names follow PEFT's
// saved layout relative to the wrapped linear: "<linear>.lora_A.weight", "<linear>.lora_B.weight".
#pragma once

#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

#include "models/layers/linear.h"

namespace vlmforge {

struct LoraSpec {
  int64_t r = 16;
  double alpha = 32.0;
  double dropout = 0.0;
  bool rslora = false;
  double scaling() const;
};

class LoraAdapter : public LinearAdapter {
 public:
  LoraAdapter(int64_t in_features, int64_t out_features, const LoraSpec& spec,
              const torch::TensorOptions& opts);

  torch::Tensor forward(const torch::Tensor& x) override;  // [..., in] -> [..., out]
  bool low_rank(const torch::Tensor& x2d, torch::Tensor* projected, torch::Tensor* up) override;
  void collect(const std::string& linear_name, ParamList& out) override;

  // Weight delta this adapter adds: scaling · B A, [out, in] (fp32 math, returned in A's dtype).
  torch::Tensor delta() const;

  torch::Tensor A;  // [r, in]
  torch::Tensor B;  // [out, r]
  LoraSpec spec;
  bool training = true;  // dropout only while training
};

// Attaches a fresh LoRA adapter to every linear whose full HF name matches `target` (ECMAScript
// regex, whole-name match like PEFT's target_modules string). Initialised from `generator`.
// Returns the wrapped names; throws vlmforge::Error if the regex is invalid or matches nothing.
std::vector<std::string> apply_lora(LinearList& linears, const std::string& target,
                                    const LoraSpec& spec, torch::Generator generator);

// Folds each adapter into its base weight (W += scaling · B A) and removes it. Merging in fp32
// then casting back keeps bf16 bases as close as they can be.
void merge_lora(LinearList& linears);
// Inverse of merge for adapters still attached: subtracts their delta (used to compare).
void unmerge_lora(LinearList& linears);

void set_lora_training(LinearList& linears, bool training);

}  // namespace vlmforge
