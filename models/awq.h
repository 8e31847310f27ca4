// AutoAWQ "gemm" checkpoints: 4-bit weights packed 8 per int32, per-group zeros and scales.
//   qweight int32 [K, N/8], qzeros int32 [K/G, N/8], scales fp16 [K/G, N]  (K in, N out)
// Within an int32, nibble i (bits 4i..4i+3) holds column 8*c + [0,2,4,6,1,3,5,7][i].
//   W^T[k, n] = (q[k, n] - z[k/G, n]) * s[k/G, n]   (no +1 on the zeros)
#pragma once

#include <torch/torch.h>

#include <string>

namespace vlmforge {

// Unpacks a packed int32 matrix [R, C/8] into 4-bit values [R, C] (int32), in column order.
torch::Tensor awq_unpack(const torch::Tensor& packed);

// Returns the linear weight W [N, K] in `dtype`. The product (q - z) * s is formed in fp32,
// where it is exact, and rounded once to `dtype`. `where` names the tensor for errors.
torch::Tensor awq_dequantize(const torch::Tensor& qweight, const torch::Tensor& qzeros,
                             const torch::Tensor& scales, int64_t group_size,
                             torch::ScalarType dtype, const std::string& where);

}  // namespace vlmforge
