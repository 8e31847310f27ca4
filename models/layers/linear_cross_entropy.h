// The LM head and the next-token loss in one step, chunked over rows: mean cross-entropy of
// logits = hidden · W^T (+ b) against `target`, without ever holding the [M, V] logits (for a
// 150k vocabulary and 1,000 supervised tokens that tensor alone is 600 MB, plus as much again
// for its gradient). Each chunk's softmax gradient is turned into the gradients of hidden, W and
// b at once; backward only scales them by the incoming gradient. Same FLOPs as the unfused head
// (nothing is recomputed), memory O(chunk · V). Logits are taken in fp32 as transformers does.
#pragma once

#include <torch/torch.h>

namespace vlmforge {

// hidden [M, D], weight [V, D], bias [V] or undefined, target [M] int64 (every row supervised).
// Returns the scalar fp32 mean loss; differentiable w.r.t. hidden, weight and bias (whichever
// require grad). `chunk_bytes` bounds the fp32 logits block of one chunk (rows are split into
// equal chunks under it; 768 MiB keeps 1,000 rows of a 150k vocabulary in one GEMM).
torch::Tensor linear_cross_entropy(const torch::Tensor& hidden, const torch::Tensor& weight,
                                   const torch::Tensor& bias, const torch::Tensor& target,
                                   int64_t chunk_bytes = int64_t{768} << 20);

}  // namespace vlmforge
