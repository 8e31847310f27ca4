// Normalisation layers with HF parameter names "<prefix>.weight" (+ ".bias" for LayerNorm).
#pragma once

#include "models/layers/params.h"

namespace vlmforge {

// RMSNorm as Qwen2/Llama compute it: statistics and scaling in fp32, cast back to the input
// dtype, then multiplied by the weight (so bf16 runs round exactly where transformers does).
struct RmsNorm {
  RmsNorm() = default;
  RmsNorm(int64_t dim, double eps, const torch::TensorOptions& opts);
  torch::Tensor forward(const torch::Tensor& x) const;
  void collect(const std::string& prefix, ParamList& out);

  torch::Tensor weight;  // [dim], initialised to 1
  double eps = 1e-6;
};

struct LayerNorm {
  LayerNorm() = default;
  LayerNorm(int64_t dim, double eps, const torch::TensorOptions& opts);
  torch::Tensor forward(const torch::Tensor& x) const;
  void collect(const std::string& prefix, ParamList& out);

  torch::Tensor weight, bias;  // [dim], initialised to 1 and 0
  double eps = 1e-5;
};

// Either of the two, chosen by the architecture.
struct Norm {
  enum class Kind { rms, layer } kind = Kind::rms;
  RmsNorm rms;
  LayerNorm layer;

  static Norm make(Kind kind, int64_t dim, double eps, const torch::TensorOptions& opts);
  torch::Tensor forward(const torch::Tensor& x) const {
    return kind == Kind::rms ? rms.forward(x) : layer.forward(x);
  }
  void collect(const std::string& prefix, ParamList& out) {
    kind == Kind::rms ? rms.collect(prefix, out) : layer.collect(prefix, out);
  }
};

}  // namespace vlmforge
