#include "models/vision/siglip.h"

#include "models/core/error.h"
#include "models/layers/checkpoint.h"

namespace vlmforge {

SiglipConfig SiglipConfig::from_hf(const HfConfig& root) {
  const HfConfig hf = root.has("vision_config") ? root.section("vision_config") : root;
  SiglipConfig c;
  c.hidden_size = hf.get_int("hidden_size", c.hidden_size);
  c.intermediate_size = hf.get_int("intermediate_size", c.intermediate_size);
  c.num_layers = hf.get_int("num_hidden_layers", c.num_layers);
  c.num_heads = hf.get_int("num_attention_heads", c.num_heads);
  c.num_channels = hf.get_int("num_channels", c.num_channels);
  c.image_size = hf.get_int("image_size", c.image_size);
  c.patch_size = hf.get_int("patch_size", c.patch_size);
  c.layer_norm_eps = hf.get_double("layer_norm_eps", c.layer_norm_eps);
  c.act = parse_activation(hf.get_string("hidden_act", "gelu_pytorch_tanh"), hf.source + ": hidden_act");
  if (c.hidden_size % c.num_heads != 0)
    throw Error("hidden_size must be a multiple of num_attention_heads", hf.source);
  // so400m-patch14-384: 384 / 14 = 27 patches per side (the conv drops the 6-pixel remainder).
  if (c.patch_size <= 0 || c.image_size < c.patch_size)
    throw Error("image_size must be at least patch_size", hf.source);
  return c;
}

SiglipVisionEncoder::SiglipVisionEncoder(const SiglipConfig& c, const torch::TensorOptions& opts)
    : config(c) {
  const int64_t D = c.hidden_size;
  patch_weight = torch::zeros({D, c.num_channels, c.patch_size, c.patch_size}, opts);
  patch_bias = torch::zeros({D}, opts);
  position_embedding = torch::zeros({c.num_patches(), D}, opts);
  AttentionSpec spec;
  spec.hidden_size = D;
  spec.num_heads = spec.num_kv_heads = c.num_heads;
  spec.head_dim = D / c.num_heads;
  spec.qkv_bias = spec.out_bias = true;
  spec.out_name = "out_proj";
  blocks.resize(c.num_layers);
  for (auto& b : blocks) {
    b.norm1 = LayerNorm(D, c.layer_norm_eps, opts);
    b.norm2 = LayerNorm(D, c.layer_norm_eps, opts);
    b.attn = SelfAttention(spec, opts);
    b.mlp = Mlp(D, c.intermediate_size, D, true, c.act, opts);
  }
  post_norm = LayerNorm(D, c.layer_norm_eps, opts);
}

torch::Tensor SiglipVisionEncoder::forward(const torch::Tensor& pixel_values, int64_t feature_layer,
                                           bool post_layernorm) const {
  const int64_t L = static_cast<int64_t>(blocks.size());
  const int64_t stop = feature_layer < 0 ? L + 1 + feature_layer : feature_layer;
  if (stop < 0 || stop > L)
    throw Error("vision feature layer " + std::to_string(feature_layer) + " out of range for " +
                std::to_string(L) + " layers", "model.vision_feature_layer");
  if (pixel_values.dim() != 4 || pixel_values.size(2) != config.image_size ||
      pixel_values.size(3) != config.image_size)
    throw Error("pixel_values must be [N, " + std::to_string(config.num_channels) + ", " +
                std::to_string(config.image_size) + ", " + std::to_string(config.image_size) + "]",
                "SiglipVisionEncoder");
  torch::Tensor x = pixel_values.to(patch_weight.scalar_type());
  x = torch::conv2d(x, patch_weight, patch_bias, config.patch_size);  // [N, D, h, w]
  x = x.flatten(2).transpose(1, 2) + position_embedding.unsqueeze(0);  // [N, P, D]
  const bool recompute = activation_checkpointing && torch::GradMode::is_enabled();
  for (int64_t i = 0; i < stop; ++i) {
    const size_t k = static_cast<size_t>(i);
    if (recompute) {
      ParamList block_params;
      SiglipBlock& b = const_cast<SiglipBlock&>(blocks[k]);  // collect only takes addresses
      b.norm1.collect("", block_params);
      b.attn.collect("", block_params);
      b.norm2.collect("", block_params);
      b.mlp.collect("", block_params);
      x = checkpoint_layer([this, k](const torch::Tensor& in) { return block_forward(k, in); }, x,
                           trainable_tensors(block_params));
    } else {
      x = block_forward(k, x);
    }
  }
  return post_layernorm ? post_norm.forward(x) : x;
}

torch::Tensor SiglipVisionEncoder::block_forward(size_t i, const torch::Tensor& in) const {
  const SiglipBlock& b = blocks[i];
  torch::Tensor x = in + b.attn.forward(b.norm1.forward(in), nullptr, {}, {}, AttentionMask{}, nullptr);
  return x + b.mlp.forward(b.norm2.forward(x));
}

void SiglipVisionEncoder::collect(const std::string& prefix, ParamList& out) {
  const std::string emb = join_name(prefix, "embeddings");
  out.push_back({emb + ".patch_embedding.weight", &patch_weight});
  out.push_back({emb + ".patch_embedding.bias", &patch_bias});
  out.push_back({emb + ".position_embedding.weight", &position_embedding});
  for (size_t i = 0; i < blocks.size(); ++i) {
    const std::string layer = join_name(prefix, "encoder.layers." + std::to_string(i));
    blocks[i].norm1.collect(layer + ".layer_norm1", out);
    blocks[i].attn.collect(layer + ".self_attn", out);
    blocks[i].norm2.collect(layer + ".layer_norm2", out);
    blocks[i].mlp.collect(layer + ".mlp", out);
  }
  post_norm.collect(join_name(prefix, "post_layernorm"), out);
}

void SiglipVisionEncoder::linears(const std::string& prefix, LinearList& out) {
  for (size_t i = 0; i < blocks.size(); ++i) {
    const std::string layer = join_name(prefix, "encoder.layers." + std::to_string(i));
    blocks[i].attn.linears(layer + ".self_attn", out);
    blocks[i].mlp.linears(layer + ".mlp", out);
  }
}

}  // namespace vlmforge
