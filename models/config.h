// Root config section `model`: where the VLM's parts come from and how they are put together.
// Plain struct, defaults here, visit() names every YAML key (train/config binds it).
//
// Sources, first non-empty wins: `checkpoint` (vlmforge checkpoint folder), `llava_path`
// (LlavaForConditionalGeneration HF folder), else `vision` + `llm` separately — each either an HF
// folder (`path`) or, when `path` is empty, built from scratch from its inline architecture.
#pragma once

#include <cstdint>
#include <string>

namespace vlmforge {

struct VisionModelConfig {
  std::string path;  // HF SigLIP folder (SiglipModel or SiglipVisionModel) or config.json
  // Inline architecture (used only when `path` is empty), SiglipVisionConfig names.
  int64_t hidden_size = 64;
  int64_t intermediate_size = 128;
  int64_t num_hidden_layers = 2;
  int64_t num_attention_heads = 4;
  int64_t image_size = 64;
  int64_t patch_size = 16;
  double layer_norm_eps = 1e-6;

  template <class V>
  void visit(V& v) {
    v("path", path, "HF SigLIP folder; empty = build from the fields below");
    v("hidden_size", hidden_size, "from-scratch: width of the vision transformer");
    v("intermediate_size", intermediate_size, "from-scratch: MLP width");
    v("num_hidden_layers", num_hidden_layers, "from-scratch: number of blocks");
    v("num_attention_heads", num_attention_heads, "from-scratch: attention heads");
    v("image_size", image_size, "from-scratch: input side in pixels (square)");
    v("patch_size", patch_size, "from-scratch: patch side in pixels");
    v("layer_norm_eps", layer_norm_eps, "from-scratch: LayerNorm epsilon");
  }
};

struct LlmModelConfig {
  std::string path;  // HF folder with config.json + *.safetensors (AWQ GEMM accepted)
  // Inline architecture (used only when `path` is empty), HF config.json names.
  std::string arch = "qwen2";  // qwen2 | phi | llama
  int64_t vocab_size = 1024;
  int64_t hidden_size = 128;
  int64_t intermediate_size = 256;
  int64_t num_hidden_layers = 2;
  int64_t num_attention_heads = 4;
  int64_t num_key_value_heads = 2;
  double rope_theta = 1000000.0;
  double partial_rotary_factor = 1.0;  // phi: fraction of head_dim rotated (Phi-1.5: 0.5)
  double norm_eps = 1e-6;
  bool tie_word_embeddings = true;

  template <class V>
  void visit(V& v) {
    v("path", path, "HF LLM folder (Qwen2/Phi/Llama, AWQ GEMM ok); empty = build from below");
    v("arch", arch, "from-scratch: qwen2 | phi | llama");
    v("vocab_size", vocab_size, "from-scratch: vocabulary size (must cover the tokenizer)");
    v("hidden_size", hidden_size, "from-scratch: model width");
    v("intermediate_size", intermediate_size, "from-scratch: MLP width");
    v("num_hidden_layers", num_hidden_layers, "from-scratch: number of blocks");
    v("num_attention_heads", num_attention_heads, "from-scratch: query heads");
    v("num_key_value_heads", num_key_value_heads, "from-scratch: key/value heads (GQA)");
    v("rope_theta", rope_theta, "from-scratch: RoPE base");
    v("partial_rotary_factor", partial_rotary_factor, "from-scratch: rotated fraction of head_dim");
    v("norm_eps", norm_eps, "from-scratch: RMSNorm/LayerNorm epsilon");
    v("tie_word_embeddings", tie_word_embeddings, "from-scratch: share embedding and LM head");
  }
};

struct ModelConfig {
  std::string checkpoint;  // vlmforge checkpoint folder (model.safetensors, HF names)
  std::string llava_path;  // HF LLaVA folder (legacy or >= 4.52 key layout)
  VisionModelConfig vision;
  LlmModelConfig llm;
  std::string projector = "mlp2x_gelu";  // mlp2x_gelu | moondream1
  int64_t vision_feature_layer = -2;     // HF hidden_states index: -1 last block, -2 the one before
  bool vision_post_layernorm = false;    // apply SigLIP's post_layernorm to the features
  std::string dtype = "fp32";            // fp32 | bf16 | fp16: weights as loaded
  int64_t image_token_id = -1;           // placeholder id in input_ids; -1 = from LLaVA config
  int64_t init_seed = 0;                 // seed for from-scratch parts and a fresh projector

  template <class V>
  void visit(V& v) {
    v("checkpoint", checkpoint, "vlmforge checkpoint folder to load (overrides the sources below)");
    v("llava_path", llava_path, "HF LlavaForConditionalGeneration folder");
    v("vision", vision, "vision encoder (SigLIP)");
    v("llm", llm, "language model (Qwen2/Phi/Llama)");
    v("projector", projector, "mlp2x_gelu | moondream1");
    v("vision_feature_layer", vision_feature_layer, "vision hidden state fed to the projector (-1, -2, ...)");
    v("vision_post_layernorm", vision_post_layernorm, "apply the encoder's post-layernorm to the features");
    v("dtype", dtype, "fp32 | bf16 | fp16 weights at load");
    v("image_token_id", image_token_id, "token id of image placeholders; -1 = from the LLaVA config");
    v("init_seed", init_seed, "seed for randomly initialised parts");
  }
};

}  // namespace vlmforge
