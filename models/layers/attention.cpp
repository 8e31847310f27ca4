#include "models/layers/attention.h"

namespace vlmforge {

AttentionMask make_decoder_mask(const torch::Tensor& key_valid, int64_t past, int64_t t_q) {
  const int64_t t_k = key_valid.size(1);
  auto dev = key_valid.device();
  torch::Tensor q_pos = torch::arange(past, past + t_q, torch::TensorOptions(torch::kInt64).device(dev));
  torch::Tensor k_pos = torch::arange(t_k, torch::TensorOptions(torch::kInt64).device(dev));
  torch::Tensor causal = k_pos.view({1, -1}) <= q_pos.view({-1, 1});  // [T_q, T_k]
  torch::Tensor valid = key_valid.to(torch::kBool);
  torch::Tensor m = causal.unsqueeze(0) & valid.unsqueeze(1);  // [B, T_q, T_k]
  torch::Tensor self = (k_pos.view({1, -1}) == q_pos.view({-1, 1})).unsqueeze(0);
  m = m | (self & valid.narrow(1, past, t_q).logical_not().unsqueeze(-1));
  return {m.unsqueeze(1), false};
}

AttentionMask make_packed_mask(const torch::Tensor& sequence_ids) {
  const int64_t T = sequence_ids.size(1);
  torch::Tensor pos = torch::arange(T, torch::TensorOptions(torch::kInt64).device(sequence_ids.device()));
  torch::Tensor causal = pos.view({1, -1}) <= pos.view({-1, 1});              // [T_q, T_k]
  torch::Tensor same = sequence_ids.unsqueeze(2) == sequence_ids.unsqueeze(1);  // [B, T_q, T_k]
  torch::Tensor real_key = (sequence_ids >= 0).unsqueeze(1);                   // [B, 1, T_k]
  torch::Tensor m = same & real_key & causal.unsqueeze(0);
  torch::Tensor self = torch::eye(T, torch::TensorOptions(torch::kBool).device(sequence_ids.device()));
  m = m | (self.unsqueeze(0) & (sequence_ids < 0).unsqueeze(-1));
  return {m.unsqueeze(1), false};
}

SelfAttention::SelfAttention(const AttentionSpec& s, const torch::TensorOptions& opts)
    : spec(s),
      qkv({{s.q_name, s.num_heads * s.head_dim},
           {s.k_name, s.num_kv_heads * s.head_dim},
           {s.v_name, s.num_kv_heads * s.head_dim}},
          s.hidden_size, s.qkv_bias, opts),
      out(s.out_name, s.num_heads * s.head_dim, s.hidden_size, s.out_bias, opts) {}

torch::Tensor SelfAttention::forward(const torch::Tensor& x, const Rope* rope,
                                     const torch::Tensor& cos, const torch::Tensor& sin,
                                     const AttentionMask& mask, LayerCache* cache) const {
  return out.forward(attend(x, rope, cos, sin, mask, cache));
}

torch::Tensor SelfAttention::attend(const torch::Tensor& x, const Rope* rope,
                                    const torch::Tensor& cos, const torch::Tensor& sin,
                                    const AttentionMask& mask, LayerCache* cache,
                                    const torch::Tensor* input_grad_rows) const {
  const int64_t B = x.size(0), T = x.size(1);
  const int64_t hq = spec.num_heads * spec.head_dim, hkv = spec.num_kv_heads * spec.head_dim;
  torch::Tensor qkv_out = qkv.forward(x, input_grad_rows);  // [B, T, hq + 2 hkv]
  // split (not three narrows): its backward concatenates the three gradients once instead of
  // summing three zero-padded full-width buffers.
  auto qkv_parts = qkv_out.split_with_sizes({hq, hkv, hkv}, -1);
  auto heads = [&](const torch::Tensor& t, int64_t n) {
    return t.view({B, T, n, spec.head_dim}).transpose(1, 2);
  };
  torch::Tensor q = heads(qkv_parts[0], spec.num_heads);  // [B, H, T, hd]
  torch::Tensor k = heads(qkv_parts[1], spec.num_kv_heads);
  torch::Tensor v = heads(qkv_parts[2], spec.num_kv_heads);
  if (rope) {
    q = rope->apply(q, cos, sin);
    k = rope->apply(k, cos, sin);
  }
  if (cache) {
    if (cache->k.defined()) {
      k = torch::cat({cache->k, k}, 2);
      v = torch::cat({cache->v, v}, 2);
    }
    cache->k = k;
    cache->v = v;
  }
  std::optional<torch::Tensor> attn_mask;
  if (mask.mask.defined()) attn_mask = mask.mask;
  const bool gqa = spec.num_kv_heads != spec.num_heads;
  torch::Tensor o = at::scaled_dot_product_attention(q, k, v, attn_mask, 0.0,
                                                     !attn_mask && mask.causal, std::nullopt, gqa);
  return o.transpose(1, 2).reshape({B, T, hq});
}

void SelfAttention::collect(const std::string& prefix, ParamList& out_list) {
  qkv.collect(prefix, out_list);
  out.collect(prefix, out_list);
}

void SelfAttention::linears(const std::string& prefix, LinearList& out_list) {
  collect_linears(prefix, qkv, out_list);
  collect_linears(prefix, out, out_list);
}

}  // namespace vlmforge
