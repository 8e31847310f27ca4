#include "models/layers/rope.h"

#include <cmath>

namespace vlmforge {

Rope::Rope(int64_t dim, double theta, const RopeScaling& scaling) : rotary_dim(dim) {
  // inv_freq_i = theta^(-2i/dim), computed in fp32 like transformers.
  torch::Tensor exponent = torch::arange(0, dim, 2, torch::kInt64).to(torch::kFloat32) / dim;
  inv_freq = 1.0 / torch::pow(torch::tensor(theta, torch::kFloat32), exponent);
  if (scaling.type == "llama3") {
    // Llama 3.1 frequency-dependent scaling: long wavelengths divided by `factor`, short ones
    // kept, a smooth blend in between.
    const double low_wavelen = scaling.original_max_position_embeddings / scaling.low_freq_factor;
    const double high_wavelen = scaling.original_max_position_embeddings / scaling.high_freq_factor;
    torch::Tensor wavelen = 2 * M_PI / inv_freq;
    torch::Tensor scaled = torch::where(wavelen > low_wavelen, inv_freq / scaling.factor, inv_freq);
    torch::Tensor smooth = (scaling.original_max_position_embeddings / wavelen -
                            scaling.low_freq_factor) /
                           (scaling.high_freq_factor - scaling.low_freq_factor);
    torch::Tensor smoothed = (1 - smooth) * scaled / scaling.factor + smooth * scaled;
    torch::Tensor medium = (wavelen >= high_wavelen) & (wavelen <= low_wavelen);
    inv_freq = torch::where(medium, smoothed, scaled);
  }
}

std::pair<torch::Tensor, torch::Tensor> Rope::cos_sin(const torch::Tensor& positions,
                                                      torch::ScalarType dtype) const {
  torch::Tensor freqs = positions.to(torch::kFloat32).unsqueeze(-1) *
                        inv_freq.to(positions.device()).view({1, 1, -1});  // [B, T, dim/2]
  torch::Tensor emb = torch::cat({freqs, freqs}, -1);
  return {emb.cos().to(dtype), emb.sin().to(dtype)};
}

torch::Tensor Rope::apply(const torch::Tensor& x, const torch::Tensor& cos,
                          const torch::Tensor& sin) const {
  const int64_t head_dim = x.size(-1);
  torch::Tensor rot = rotary_dim == head_dim ? x : x.narrow(-1, 0, rotary_dim);
  const int64_t half = rotary_dim / 2;
  torch::Tensor rotated = torch::cat({-rot.narrow(-1, half, half), rot.narrow(-1, 0, half)}, -1);
  torch::Tensor c = cos.unsqueeze(1), s = sin.unsqueeze(1);  // [B, 1, T, dim]
  torch::Tensor out = rot * c + rotated * s;
  if (rotary_dim == head_dim) return out;
  return torch::cat({out, x.narrow(-1, rotary_dim, head_dim - rotary_dim)}, -1);
}

}  // namespace vlmforge
