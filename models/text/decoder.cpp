#include "models/text/decoder.h"

#include "models/core/error.h"
#include "models/layers/checkpoint.h"

namespace vlmforge {

CausalLM::CausalLM(const TextConfig& c, const torch::TensorOptions& opts)
    : config(c), rope(c.rotary_dim(), c.rope_theta, c.rope_scaling) {
  embed_tokens = torch::zeros({c.vocab_size, c.hidden_size}, opts);
  AttentionSpec spec;
  spec.hidden_size = c.hidden_size;
  spec.num_heads = c.num_heads;
  spec.num_kv_heads = c.num_kv_heads;
  spec.head_dim = c.head_dim;
  spec.qkv_bias = c.qkv_bias;
  spec.out_bias = c.o_bias;
  spec.q_name = c.names.q;
  spec.k_name = c.names.k;
  spec.v_name = c.names.v;
  spec.out_name = c.names.o;
  blocks.resize(c.num_layers);
  for (auto& b : blocks) {
    b.norm1 = Norm::make(c.norm, c.hidden_size, c.norm_eps, opts);
    if (!c.parallel_residual) b.norm2 = Norm::make(c.norm, c.hidden_size, c.norm_eps, opts);
    b.attn = SelfAttention(spec, opts);
    if (c.gated_mlp)
      b.gated_mlp = GatedMlp(c.hidden_size, c.intermediate_size, c.mlp_bias, c.act, opts);
    else
      b.mlp = Mlp(c.hidden_size, c.intermediate_size, c.hidden_size, c.mlp_bias, c.act, opts);
  }
  final_norm = Norm::make(c.norm, c.hidden_size, c.norm_eps, opts);
  if (!c.tie_word_embeddings) lm_head = torch::zeros({c.vocab_size, c.hidden_size}, opts);
  if (c.lm_head_bias) lm_head_bias = torch::zeros({c.vocab_size}, opts);
}

torch::Tensor CausalLM::embed(const torch::Tensor& ids) const {
  return torch::embedding(embed_tokens, ids);
}

torch::Tensor CausalLM::forward(const torch::Tensor& embeds, const torch::Tensor& attention_mask,
                                KVCache* cache, std::vector<torch::Tensor>* all_hidden,
                                const PackedRows* packed, const torch::Tensor* rows,
                                const torch::Tensor* embeds_grad_rows) const {
  const int64_t B = embeds.size(0), T = embeds.size(1);
  if (packed && cache)
    throw Error("packed rows cannot be decoded with a KV cache", "CausalLM::forward");
  if (rows && cache) throw Error("output rows cannot be selected with a KV cache", "CausalLM::forward");
  const int64_t past = cache ? cache->length() : 0;
  auto bool_opts = torch::TensorOptions(torch::kBool).device(embeds.device());
  torch::Tensor new_valid =
      attention_mask.defined() ? attention_mask.to(bool_opts) : torch::ones({B, T}, bool_opts);
  torch::Tensor key_valid = new_valid;
  if (cache && cache->key_valid.defined()) key_valid = torch::cat({cache->key_valid, new_valid}, 1);
  if (cache) {
    cache->key_valid = key_valid;
    if (cache->layers.size() != blocks.size()) cache->layers.resize(blocks.size());
  }

  // Positions count real tokens only; padding positions get 1 (as transformers does).
  torch::Tensor positions = key_valid.to(torch::kInt64).cumsum(1) - 1;
  positions = positions.masked_fill(key_valid.logical_not(), 1).narrow(1, past, T);

  AttentionMask mask;
  if (packed) {
    positions = packed->position_ids.to(embeds.device());
    mask = make_packed_mask(packed->sequence_ids.to(embeds.device()));
  } else {
    // One host sync decides whether padding exists at all; without it SDPA runs plain causal
    // (flash kernels on GPU) instead of an explicit mask.
    const bool all_real = key_valid.all().item<bool>();
    if (past == 0 && all_real)
      mask.causal = true;  // plain causal: lets SDPA pick its fastest kernel
    else if (!(all_real && T == 1))
      mask = make_decoder_mask(key_valid, past, T);
    // (one new token over an all-real cache attends everywhere: no mask needed)
  }

  auto [cos, sin] = rope.cos_sin(positions, embeds.scalar_type());
  torch::Tensor h = embeds;
  if (all_hidden) all_hidden->push_back(h);
  const bool recompute = activation_checkpointing && !cache && torch::GradMode::is_enabled();
  for (size_t i = 0; i < blocks.size(); ++i) {
    // Only the first block's input is the embeddings; later inputs need d(h) on every row.
    const torch::Tensor* grad_rows = i == 0 && !cache ? embeds_grad_rows : nullptr;
    if (rows && i + 1 == blocks.size()) {
      h = block_forward(i, h, cos, sin, mask, nullptr, rows, grad_rows);  // [M, D]; not checkpointed
    } else if (recompute) {
      // Captures by value: the closure runs again in backward, after this frame is gone.
      ParamList block_params;
      DecoderBlock& b = const_cast<DecoderBlock&>(blocks[i]);  // collect only takes addresses
      b.norm1.collect("", block_params);
      b.attn.collect("", block_params);
      if (!config.parallel_residual) b.norm2.collect("", block_params);
      if (config.gated_mlp)
        b.gated_mlp.collect("", block_params);
      else
        b.mlp.collect("", block_params);
      const torch::Tensor gr = grad_rows ? *grad_rows : torch::Tensor();  // undefined: none
      h = checkpoint_layer(
          [this, i, cos, sin, mask, gr](const torch::Tensor& x) {
            return block_forward(i, x, cos, sin, mask, nullptr, nullptr, gr.defined() ? &gr : nullptr);
          },
          h, trainable_tensors(block_params));
    } else {
      h = block_forward(i, h, cos, sin, mask, cache ? &cache->layers[i] : nullptr, nullptr, grad_rows);
    }
    if (all_hidden) all_hidden->push_back(h);
  }
  return final_norm.forward(h);
}

torch::Tensor CausalLM::block_forward(size_t i, const torch::Tensor& h, const torch::Tensor& cos,
                                      const torch::Tensor& sin, const AttentionMask& mask,
                                      LayerCache* cache, const torch::Tensor* rows,
                                      const torch::Tensor* input_grad_rows) const {
  const DecoderBlock& b = blocks[i];
  torch::Tensor x = b.norm1.forward(h);
  // Keys and values need every position; with `rows` the rest of the block runs on those only.
  // d(h) on rows outside `input_grad_rows` is not wanted: the q/k/v input gradient (and with a
  // parallel residual fc1's, which reads the same x) is formed on those rows only. A sequential
  // block's MLP input is the attention residual, needed on every row.
  torch::Tensor o = b.attn.attend(x, &rope, cos, sin, mask, cache, input_grad_rows);  // [B, T, H * hd]
  torch::Tensor h_in = h;
  if (rows) {
    o = o.index({*rows});  // [M, H * hd]
    h_in = h.index({*rows});
    if (config.parallel_residual) x = x.index({*rows});
  }
  torch::Tensor a = b.attn.out.forward(o);
  // (With `rows` x holds the selected rows only, no longer indexed like input_grad_rows.)
  if (config.parallel_residual) return h_in + a + b.mlp.forward(x, rows ? nullptr : input_grad_rows);
  torch::Tensor r = h_in + a;
  torch::Tensor y = b.norm2.forward(r);
  return r + (config.gated_mlp ? b.gated_mlp.forward(y) : b.mlp.forward(y));
}

torch::Tensor CausalLM::logits(const torch::Tensor& hidden) const {
  return torch::nn::functional::linear(hidden, lm_head_weight(), lm_head_bias);
}

void CausalLM::collect(const std::string& prefix, ParamList& out) {
  const TextNames& n = config.names;
  out.push_back({join_name(prefix, n.embed + ".weight"), &embed_tokens});
  for (size_t i = 0; i < blocks.size(); ++i) {
    DecoderBlock& b = blocks[i];
    const std::string layer = join_name(prefix, n.layers + "." + std::to_string(i));
    b.norm1.collect(join_name(layer, n.norm1), out);
    b.attn.collect(join_name(layer, n.attn), out);
    if (!config.parallel_residual) b.norm2.collect(join_name(layer, n.norm2), out);
    if (config.gated_mlp)
      b.gated_mlp.collect(join_name(layer, n.mlp), out);
    else
      b.mlp.collect(join_name(layer, n.mlp), out);
  }
  final_norm.collect(join_name(prefix, n.final_norm), out);
  if (!config.tie_word_embeddings) out.push_back({join_name(prefix, n.lm_head + ".weight"), &lm_head});
  if (lm_head_bias.defined()) out.push_back({join_name(prefix, n.lm_head + ".bias"), &lm_head_bias});
}

void CausalLM::linears(const std::string& prefix, LinearList& out) {
  const TextNames& n = config.names;
  for (size_t i = 0; i < blocks.size(); ++i) {
    DecoderBlock& b = blocks[i];
    const std::string layer = join_name(prefix, n.layers + "." + std::to_string(i));
    b.attn.linears(join_name(layer, n.attn), out);
    if (config.gated_mlp)
      b.gated_mlp.linears(join_name(layer, n.mlp), out);
    else
      b.mlp.linears(join_name(layer, n.mlp), out);
  }
}

void init_causal_lm(CausalLM& lm, double std) {
  torch::NoGradGuard no_grad;
  ParamList params = lm.named_parameters();
  for (torch::Tensor* t : unique_storages(params)) {
    if (t->dim() >= 2)
      t->normal_(0.0, std);
  }
  // Norm weights start at 1 and biases at 0 from the constructors.
}

}  // namespace vlmforge
