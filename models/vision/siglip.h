// SigLIP vision transformer (no CLS token): conv patch embedding + learned position embedding,
// pre-LN blocks (layer_norm1, self_attn q/k/v/out_proj with bias, layer_norm2, mlp fc1/fc2 with
// tanh-GELU), post_layernorm. The attention-pooling head is not built (LLaVA does not use it).
#pragma once

#include "models/io/hf_config.h"
#include "models/layers/attention.h"
#include "models/layers/mlp.h"
#include "models/layers/norm.h"

#include <vector>

namespace vlmforge {

struct SiglipConfig {
  int64_t hidden_size = 768;
  int64_t intermediate_size = 3072;
  int64_t num_layers = 12;
  int64_t num_heads = 12;
  int64_t num_channels = 3;
  int64_t image_size = 224;
  int64_t patch_size = 16;
  double layer_norm_eps = 1e-6;
  Activation act = Activation::gelu_tanh;

  int64_t num_patches() const { return (image_size / patch_size) * (image_size / patch_size); }
  // From a SiglipVisionConfig JSON, or a SiglipConfig one (takes its "vision_config").
  static SiglipConfig from_hf(const HfConfig& hf);
};

struct SiglipBlock {
  LayerNorm norm1, norm2;
  SelfAttention attn;
  Mlp mlp;
};

class SiglipVisionEncoder {
 public:
  SiglipVisionEncoder(const SiglipConfig& config, const torch::TensorOptions& opts);

  // pixel_values: [N, C, H, W] (H = W = image_size) -> hidden states [N, P, D].
  // feature_layer follows HF hidden_states indexing: 0 = embeddings, k = output of block k,
  // negative counts from the end (-1 = last block). Blocks after it are not run.
  // post_layernorm applies the final LayerNorm (HF last_hidden_state when feature_layer = -1).
  torch::Tensor forward(const torch::Tensor& pixel_values, int64_t feature_layer = -1,
                        bool post_layernorm = false) const;

  // HF names under prefix, e.g. "vision_model" -> "vision_model.encoder.layers.0.mlp.fc1.weight".
  void collect(const std::string& prefix, ParamList& out);
  void linears(const std::string& prefix, LinearList& out);

  // One encoder block: [N, P, D] -> [N, P, D].
  torch::Tensor block_forward(size_t i, const torch::Tensor& x) const;

  SiglipConfig config;
  // Recompute each block in backward instead of keeping its activations (training only).
  bool activation_checkpointing = false;
  torch::Tensor patch_weight, patch_bias;  // conv [D, C, p, p], [D]
  torch::Tensor position_embedding;        // [P, D]
  std::vector<SiglipBlock> blocks;
  LayerNorm post_norm;
};

}  // namespace vlmforge
