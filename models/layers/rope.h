// Rotary position embedding (RoFormer), HF "rotate_half" convention: the rotated dims are split
// in two halves (x1, x2) -> (x1 cos - x2 sin, x2 cos + x1 sin). Partial rotary (Phi) rotates the
// first `rotary_dim` dims of each head and passes the rest through.
#pragma once

#include <torch/torch.h>

#include <string>

namespace vlmforge {

struct RopeScaling {
  std::string type = "default";  // "default" or "llama3"
  double factor = 1.0, low_freq_factor = 1.0, high_freq_factor = 4.0;
  int64_t original_max_position_embeddings = 8192;
};

struct Rope {
  Rope() = default;
  Rope(int64_t rotary_dim, double theta, const RopeScaling& scaling = {});

  // cos/sin for integer positions [B, T]: both [B, T, rotary_dim], in `dtype` (computed in fp32).
  std::pair<torch::Tensor, torch::Tensor> cos_sin(const torch::Tensor& positions,
                                                  torch::ScalarType dtype) const;

  // x: [B, H, T, head_dim]; cos/sin: [B, T, rotary_dim].
  torch::Tensor apply(const torch::Tensor& x, const torch::Tensor& cos,
                      const torch::Tensor& sin) const;

  int64_t rotary_dim = 0;
  torch::Tensor inv_freq;  // [rotary_dim / 2], fp32
};

}  // namespace vlmforge
