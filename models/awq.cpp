#include "models/awq.h"

#include "models/core/error.h"

namespace vlmforge {

torch::Tensor awq_unpack(const torch::Tensor& packed) {
  const int64_t rows = packed.size(0), cols = packed.size(1);
  torch::Tensor shifts = torch::arange(0, 32, 4, torch::kInt32).to(packed.device());  // [8]
  // Arithmetic shift of a negative int32 drags the sign in; the mask keeps only the nibble.
  torch::Tensor nibbles = torch::bitwise_and(
      torch::bitwise_right_shift(packed.to(torch::kInt32).unsqueeze(-1), shifts), 0xF);
  // nibbles[..., i] is column order[i]; column j therefore reads nibble inverse[j].
  torch::Tensor inverse = torch::tensor({0, 4, 1, 5, 2, 6, 3, 7}, torch::kInt64).to(packed.device());
  return nibbles.index_select(-1, inverse).reshape({rows, cols * 8});
}

torch::Tensor awq_dequantize(const torch::Tensor& qweight, const torch::Tensor& qzeros,
                             const torch::Tensor& scales, int64_t group_size,
                             torch::ScalarType dtype, const std::string& where) {
  if (qweight.dim() != 2 || qzeros.dim() != 2 || scales.dim() != 2)
    throw Error("AWQ tensors must be 2-D", where);
  if (qweight.scalar_type() != torch::kInt32 || qzeros.scalar_type() != torch::kInt32)
    throw Error("AWQ qweight/qzeros must be int32", where);
  if (group_size <= 0) throw Error("AWQ group_size must be positive", where);
  const int64_t K = qweight.size(0), N = qweight.size(1) * 8;
  if (K % group_size != 0)
    throw Error("AWQ in_features " + std::to_string(K) + " is not a multiple of group_size " +
                    std::to_string(group_size), where);
  const int64_t groups = K / group_size;
  if (qzeros.size(0) != groups || qzeros.size(1) * 8 != N || scales.size(0) != groups ||
      scales.size(1) != N)
    throw Error("AWQ shapes disagree: qweight [" + std::to_string(K) + ", " +
                    std::to_string(N / 8) + "], qzeros [" + std::to_string(qzeros.size(0)) +
                    ", " + std::to_string(qzeros.size(1)) + "], scales [" +
                    std::to_string(scales.size(0)) + ", " + std::to_string(scales.size(1)) +
                    "], group_size " + std::to_string(group_size),
                where);
  torch::Tensor q = awq_unpack(qweight).to(torch::kFloat32);                     // [K, N]
  torch::Tensor z = awq_unpack(qzeros).to(torch::kFloat32).repeat_interleave(group_size, 0);
  torch::Tensor s = scales.to(torch::kFloat32).repeat_interleave(group_size, 0);  // [K, N]
  return ((q - z) * s).t().contiguous().to(dtype);  // [N, K]
}

}  // namespace vlmforge
