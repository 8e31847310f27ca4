#include "models/layers/norm.h"

namespace vlmforge {

RmsNorm::RmsNorm(int64_t dim, double eps_, const torch::TensorOptions& opts)
    : weight(torch::ones({dim}, opts)), eps(eps_) {}

torch::Tensor RmsNorm::forward(const torch::Tensor& x) const {
  const auto in_dtype = x.scalar_type();
  torch::Tensor h = x.to(torch::kFloat32);
  torch::Tensor variance = h.pow(2).mean(-1, /*keepdim=*/true);
  h = h * torch::rsqrt(variance + eps);
  return weight * h.to(in_dtype);
}

void RmsNorm::collect(const std::string& prefix, ParamList& out) {
  out.push_back({join_name(prefix, "weight"), &weight});
}

LayerNorm::LayerNorm(int64_t dim, double eps_, const torch::TensorOptions& opts)
    : weight(torch::ones({dim}, opts)), bias(torch::zeros({dim}, opts)), eps(eps_) {}

torch::Tensor LayerNorm::forward(const torch::Tensor& x) const {
  return at::layer_norm(x, {weight.size(0)}, weight, bias, eps);
}

void LayerNorm::collect(const std::string& prefix, ParamList& out) {
  out.push_back({join_name(prefix, "weight"), &weight});
  out.push_back({join_name(prefix, "bias"), &bias});
}

Norm Norm::make(Kind kind, int64_t dim, double eps, const torch::TensorOptions& opts) {
  Norm n;
  n.kind = kind;
  if (kind == Kind::rms)
    n.rms = RmsNorm(dim, eps, opts);
  else
    n.layer = LayerNorm(dim, eps, opts);
  return n;
}

}  // namespace vlmforge
