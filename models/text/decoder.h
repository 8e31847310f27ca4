// Decoder-only causal LM assembled from a TextConfig: token embedding, N blocks (pre-norm
// sequential or Phi's parallel residual), final norm, LM head (tied or separate, optional bias).
// Parameters are enumerated under the family's HF names.
#pragma once

#include "models/layers/attention.h"
#include "models/layers/mlp.h"
#include "models/layers/norm.h"
#include "models/text/text_config.h"

#include <vector>

namespace vlmforge {

// KV cache for all layers plus which cached positions are real tokens (left padding).
struct KVCache {
  std::vector<LayerCache> layers;
  torch::Tensor key_valid;  // [B, T_cached] bool
  int64_t length() const { return layers.empty() ? 0 : layers[0].length(); }
};

// Several samples packed into one row (data.packing): each keeps its own positions and attends
// only within itself, so a packed row computes what the samples would compute one by one.
struct PackedRows {
  torch::Tensor position_ids;  // [B, T] int64, restarting at 0 for each sample
  torch::Tensor sequence_ids;  // [B, T] int64, sample index within the row; -1 = padding
};

struct DecoderBlock {
  Norm norm1, norm2;  // norm2 unused with a parallel residual
  SelfAttention attn;
  GatedMlp gated_mlp;  // Qwen2/Llama
  Mlp mlp;             // Phi
};

class CausalLM {
 public:
  CausalLM(const TextConfig& config, const torch::TensorOptions& opts);

  torch::Tensor embed(const torch::Tensor& ids) const;  // [B, T] -> [B, T, D]

  // embeds: [B, T, D]. attention_mask: [B, T] (1 = token, 0 = padding) or undefined (all real).
  // With a cache, the new positions follow the cached ones and are appended to it. Positions are
  // counted over real tokens only (cumsum of the mask - 1), as transformers' generate() does.
  // Returns the final-normed hidden states [B, T, D]; `all_hidden` (if given) receives the
  // embeddings and every block's output (HF's output_hidden_states, last one un-normed).
  // `packed` (no cache) replaces the counted positions and the causal mask by per-sample
  // positions and a block-diagonal causal mask.
  // `rows` ([B, T] bool, no cache): return only those positions' final hidden states, [M, D] in
  // row-major order. Nothing after the last block's attention reads other positions, so that
  // block runs its output projection, MLP and the final norm on the M rows only (training needs
  // the rows whose next token is supervised: for image + answer layouts about half of T).
  // `embeds_grad_rows` (int64 indices into the flattened [B * T]): the caller needs d(embeds)
  // on those positions only (image positions when the token embeddings are frozen). The first
  // block then forms the frozen q/k/v (and, with a parallel residual, fc1) input gradients for
  // those rows alone; d(embeds) on the other rows is not meaningful.
  torch::Tensor forward(const torch::Tensor& embeds, const torch::Tensor& attention_mask,
                        KVCache* cache = nullptr,
                        std::vector<torch::Tensor>* all_hidden = nullptr,
                        const PackedRows* packed = nullptr,
                        const torch::Tensor* rows = nullptr,
                        const torch::Tensor* embeds_grad_rows = nullptr) const;
  // One block: [B, T, D] -> [B, T, D]; with `rows` ([B, T] bool) only those rows of its
  // output, [M, D] (attention still reads every position). `input_grad_rows`: d(h) is wanted on
  // those rows of the flattened [B * T] only.
  torch::Tensor block_forward(size_t i, const torch::Tensor& h, const torch::Tensor& cos,
                              const torch::Tensor& sin, const AttentionMask& mask,
                              LayerCache* cache, const torch::Tensor* rows = nullptr,
                              const torch::Tensor* input_grad_rows = nullptr) const;

  torch::Tensor logits(const torch::Tensor& hidden) const;  // [..., D] -> [..., V]

  void collect(const std::string& prefix, ParamList& out);  // HF names under prefix
  void linears(const std::string& prefix, LinearList& out);
  ParamList named_parameters() { ParamList p; collect("", p); return p; }
  LinearList named_linears() { LinearList l; linears("", l); return l; }

  const torch::Tensor& lm_head_weight() const {
    return config.tie_word_embeddings ? embed_tokens : lm_head;
  }

  TextConfig config;
  torch::Tensor embed_tokens;  // [V, D]
  std::vector<DecoderBlock> blocks;
  Norm final_norm;
  torch::Tensor lm_head;       // [V, D]; undefined when tied
  torch::Tensor lm_head_bias;  // [V] or undefined
  Rope rope;
  // Recompute each block in backward instead of keeping its activations (training only).
  bool activation_checkpointing = false;
};

// Random initialisation for from-scratch models: N(0, std) for matrices, norms 1, biases 0.
void init_causal_lm(CausalLM& lm, double std);

}  // namespace vlmforge
