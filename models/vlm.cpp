#include "models/vlm.h"

#include "models/core/error.h"

namespace vlmforge {

VisionLanguageModel::VisionLanguageModel(const SiglipConfig& v, const ProjectorConfig& p,
                                         const TextConfig& t, const torch::TensorOptions& opts)
    : vision(v, opts), projector(p, opts), llm(t, opts) {}

torch::Tensor VisionLanguageModel::image_features(const torch::Tensor& pixel_values) const {
  torch::Tensor f = vision.forward(pixel_values, vision_feature_layer, vision_post_layernorm);
  if (drop_first_image_token) f = f.narrow(1, 1, f.size(1) - 1);
  return projector.forward(f);
}

torch::Tensor VisionLanguageModel::embed_inputs(const torch::Tensor& input_ids,
                                                const torch::Tensor& pixel_values) const {
  torch::Tensor is_image = input_ids == image_token_id;  // [B, T]
  const int64_t n_slots = is_image.sum().item<int64_t>();
  // The placeholder id may lie outside the vocabulary: look up 0 there, it is overwritten.
  torch::Tensor embeds = llm.embed(input_ids.masked_fill(is_image, 0));
  if (!pixel_values.defined() || pixel_values.size(0) == 0) {
    if (n_slots != 0)
      throw Error(std::to_string(n_slots) + " image placeholder tokens but no images",
                  "VisionLanguageModel", "pass pixel_values or remove the image tokens");
    return embeds;
  }
  torch::Tensor feats = image_features(pixel_values).to(embeds.scalar_type());  // [N, P, D]
  const int64_t n_feats = feats.size(0) * feats.size(1);
  if (n_feats != n_slots)
    throw Error(std::to_string(n_slots) + " image placeholder tokens for " +
                    std::to_string(feats.size(0)) + " images of " + std::to_string(feats.size(1)) +
                    " tokens each",
                "VisionLanguageModel",
                "each image needs exactly that many image_token_id tokens in input_ids");
  return embeds.masked_scatter(is_image.unsqueeze(-1), feats.reshape({-1, feats.size(-1)}));
}

torch::Tensor supervised_loss(const CausalLM& lm, const torch::Tensor& hidden,
                              const torch::Tensor& labels, int64_t* num_supervised) {
  const int64_t T = hidden.size(1);
  torch::Tensor next = labels.narrow(1, 1, T - 1);     // [B, T-1]
  torch::Tensor sel = next != -100;
  torch::Tensor h = hidden.narrow(1, 0, T - 1).index({sel});  // [M, D]
  torch::Tensor target = next.index({sel});                   // [M]
  if (num_supervised) *num_supervised = target.size(0);
  torch::Tensor logits = lm.logits(h).to(torch::kFloat32);    // [M, V], fp32 like transformers
  return torch::nn::functional::cross_entropy(logits, target);
}

VlmOutputs VisionLanguageModel::forward(const VlmInputs& in, bool return_logits) const {
  torch::Tensor embeds = embed_inputs(in.input_ids, in.pixel_values);
  torch::Tensor labels = in.labels;
  torch::Tensor hidden;
  if (in.sequence_ids.defined()) {
    if (!in.position_ids.defined())
      throw Error("packed rows need position_ids with sequence_ids", "VisionLanguageModel::forward");
    PackedRows packed{in.position_ids, in.sequence_ids};
    hidden = llm.forward(embeds, in.attention_mask, nullptr, nullptr, &packed);
    if (labels.defined()) {
      // A sample's first token is never a target (it would be predicted from the previous sample).
      torch::Tensor seq = in.sequence_ids.to(labels.device());
      torch::Tensor first = torch::ones_like(seq, torch::kBool);
      first.narrow(1, 1, seq.size(1) - 1).copy_(seq.narrow(1, 1, seq.size(1) - 1) !=
                                                seq.narrow(1, 0, seq.size(1) - 1));
      labels = labels.masked_fill(first, -100);
    }
  } else {
    hidden = llm.forward(embeds, in.attention_mask);
  }
  VlmOutputs out;
  if (labels.defined()) out.loss = supervised_loss(llm, hidden, labels, &out.num_supervised);
  if (return_logits) out.logits = llm.logits(hidden);
  return out;
}

void VisionLanguageModel::collect(ParamList& out) {
  vision.collect(kVisionPrefix, out);
  projector.collect(kProjectorPrefix, out);
  llm.collect(kLlmPrefix, out);
}

LinearList VisionLanguageModel::named_linears() {
  LinearList l;
  vision.linears(kVisionPrefix, l);
  projector.linears(kProjectorPrefix, l);
  llm.linears(kLlmPrefix, l);
  return l;
}

}  // namespace vlmforge
