// The VLM: SigLIP encoder -> projector -> causal LM. Image placeholder tokens in input_ids are
// replaced by the projected image features (images in order of appearance, batch-major).
// Parameters carry LLaVA's legacy HF names ("vision_tower.vision_model.*",
// "multi_modal_projector.*", "language_model.model.*", "language_model.lm_head.*").
#pragma once

#include "models/config.h"
#include "models/projector.h"
#include "models/text/decoder.h"
#include "models/vision/siglip.h"

#include <memory>

namespace vlmforge {

struct VlmInputs {
  torch::Tensor input_ids;       // [B, T] int64, image_token_id at image positions
  torch::Tensor pixel_values;    // [N_images, C, H, W] or undefined (text only)
  torch::Tensor attention_mask;  // [B, T] 1 = token, 0 = padding; undefined = all tokens
  torch::Tensor labels;          // [B, T] target ids, -100 = not supervised; undefined = no loss
  // Packed rows (data.packing), both or neither: per-sample positions and the sample index of
  // each token (-1 = padding). Attention stays within a sample and no label is predicted from
  // another sample's tokens.
  torch::Tensor position_ids = {};  // [B, T] int64
  torch::Tensor sequence_ids = {};  // [B, T] int64
};

struct VlmOutputs {
  torch::Tensor loss;    // scalar fp32 mean over supervised positions (undefined without labels)
  torch::Tensor logits;  // [B, T, V] only when asked for
  int64_t num_supervised = 0;
};

class VisionLanguageModel {
 public:
  VisionLanguageModel(const SiglipConfig& vision, const ProjectorConfig& projector,
                      const TextConfig& text, const torch::TensorOptions& opts);

  // [N, C, H, W] -> [N, P, D_lm]
  torch::Tensor image_features(const torch::Tensor& pixel_values) const;
  // Token embeddings with image features scattered into the placeholder positions: [B, T, D_lm].
  torch::Tensor embed_inputs(const torch::Tensor& input_ids, const torch::Tensor& pixel_values) const;

  // Loss runs the LM head only on positions whose next-token label is supervised.
  VlmOutputs forward(const VlmInputs& in, bool return_logits = false) const;

  void collect(ParamList& out);  // HF names, LLaVA legacy layout
  ParamList named_parameters() { ParamList p; collect(p); return p; }
  LinearList named_linears();
  void to(const torch::TensorOptions& opts) { convert_params(named_parameters(), opts); }

  static constexpr const char* kVisionPrefix = "vision_tower.vision_model";
  static constexpr const char* kProjectorPrefix = "multi_modal_projector";
  static constexpr const char* kLlmPrefix = "language_model";

  SiglipVisionEncoder vision;
  Projector projector;
  CausalLM llm;
  int64_t image_token_id = -1;
  int64_t vision_feature_layer = -2;
  bool vision_post_layernorm = false;
  bool drop_first_image_token = false;  // LLaVA "default" feature strategy (CLS towers)
};

// Shifted next-token loss over supervised positions: hidden [B, T, D], labels [B, T].
// Gathers hidden[:, t] where labels[:, t + 1] != -100 and runs the LM head on those rows only.
torch::Tensor supervised_loss(const CausalLM& lm, const torch::Tensor& hidden,
                              const torch::Tensor& labels, int64_t* num_supervised = nullptr);

// The loss from hidden rows already gathered ([M, D], e.g. CausalLM::forward with `rows`) and
// their targets [M]: LM head + cross-entropy chunked (linear_cross_entropy).
torch::Tensor rows_loss(const CausalLM& lm, const torch::Tensor& rows_hidden,
                        const torch::Tensor& target, int64_t* num_supervised = nullptr);

// [B, T] bool: positions t whose next label (t + 1) is supervised (!= -100).
torch::Tensor next_token_rows(const torch::Tensor& labels);

}  // namespace vlmforge
