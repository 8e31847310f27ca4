// Multi-head self-attention with grouped-query heads, optional RoPE, padding/causal masks and a
// KV cache, on top of at::scaled_dot_product_attention (flash / memory-efficient kernels on GPU).
// q/k/v run as one fused GEMM; HF names q/k/v/out stay addressable through the Linear's parts.
#pragma once

#include "models/layers/linear.h"
#include "models/layers/rope.h"

#include <optional>

namespace vlmforge {

struct AttentionSpec {
  int64_t hidden_size = 0;
  int64_t num_heads = 0;
  int64_t num_kv_heads = 0;
  int64_t head_dim = 0;
  bool qkv_bias = false;
  bool out_bias = false;
  // HF module names of the four projections (relative to the attention module).
  std::string q_name = "q_proj", k_name = "k_proj", v_name = "v_proj", out_name = "o_proj";
};

// Keys/values of one layer for all previous positions: [B, H_kv, T_past, head_dim].
struct LayerCache {
  torch::Tensor k, v;
  int64_t length() const { return k.defined() ? k.size(2) : 0; }
};

// How queries may look at keys. `mask` is boolean [B, 1, T_q, T_k] (true = may attend); when it
// is undefined, `causal` selects plain causal attention (no padding, no cache) or none at all.
struct AttentionMask {
  torch::Tensor mask;
  bool causal = false;
};

// Builds the mask for T_q new positions after `past` cached ones. key_valid: [B, past + T_q] bool
// (false = padding). Query rows that are padding may see themselves, so no row is all -inf.
AttentionMask make_decoder_mask(const torch::Tensor& key_valid, int64_t past, int64_t t_q);

// Block-diagonal causal mask of packed rows. sequence_ids: [B, T] int64, the sample each token
// belongs to (-1 = padding). A token attends to earlier tokens of its own sample only; padding
// rows see themselves.
AttentionMask make_packed_mask(const torch::Tensor& sequence_ids);

class SelfAttention {
 public:
  SelfAttention() = default;
  SelfAttention(const AttentionSpec& spec, const torch::TensorOptions& opts);

  // x: [B, T, D]; cos/sin: [B, T, rotary_dim] or undefined (no RoPE). Appends to `cache` if given.
  torch::Tensor forward(const torch::Tensor& x, const Rope* rope, const torch::Tensor& cos,
                        const torch::Tensor& sin, const AttentionMask& mask,
                        LayerCache* cache) const;
  // The same before the output projection: [B, T, H * head_dim] (callers that need the
  // projection for some rows only apply `out` themselves). `input_grad_rows`: see
  // Linear::forward (d(x) wanted on those rows of the flattened [B * T] only).
  torch::Tensor attend(const torch::Tensor& x, const Rope* rope, const torch::Tensor& cos,
                       const torch::Tensor& sin, const AttentionMask& mask, LayerCache* cache,
                       const torch::Tensor* input_grad_rows = nullptr) const;

  void collect(const std::string& prefix, ParamList& out);
  void linears(const std::string& prefix, LinearList& out);

  AttentionSpec spec;
  Linear qkv;  // parts q, k, v: [(H + 2 H_kv) * head_dim, D]
  Linear out;  // [D, H * head_dim]
};

}  // namespace vlmforge
