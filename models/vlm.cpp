#include "models/vlm.h"

#include "models/core/error.h"
#include "models/layers/linear_cross_entropy.h"

#include <optional>

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

torch::Tensor next_token_rows(const torch::Tensor& labels) {
  const int64_t T = labels.size(1);
  torch::Tensor rows = torch::zeros_like(labels, torch::kBool);
  rows.narrow(1, 0, T - 1).copy_(labels.narrow(1, 1, T - 1) != -100);
  return rows;
}

torch::Tensor supervised_loss(const CausalLM& lm, const torch::Tensor& hidden,
                              const torch::Tensor& labels, int64_t* num_supervised) {
  const int64_t T = hidden.size(1);
  torch::Tensor next = labels.narrow(1, 1, T - 1);  // [B, T-1]
  torch::Tensor sel = next != -100;
  return rows_loss(lm, hidden.narrow(1, 0, T - 1).index({sel}), next.index({sel}), num_supervised);
}

torch::Tensor rows_loss(const CausalLM& lm, const torch::Tensor& rows_hidden,
                        const torch::Tensor& target, int64_t* num_supervised) {
  if (num_supervised) *num_supervised = target.size(0);
  return linear_cross_entropy(rows_hidden, lm.lm_head_weight(), lm.lm_head_bias, target);
}

// Packed rows: a sample's first token is never a target (it would be predicted from the previous
// sample's last token).
torch::Tensor first_tokens_unsupervised(const torch::Tensor& labels, const torch::Tensor& sequence_ids) {
  torch::Tensor seq = sequence_ids.to(labels.device());
  const int64_t T = seq.size(1);
  torch::Tensor first = torch::ones_like(seq, torch::kBool);
  first.narrow(1, 1, T - 1).copy_(seq.narrow(1, 1, T - 1) != seq.narrow(1, 0, T - 1));
  return labels.masked_fill(first, -100);
}

VlmOutputs VisionLanguageModel::forward(const VlmInputs& in, bool return_logits) const {
  torch::Tensor embeds = embed_inputs(in.input_ids, in.pixel_values);
  torch::Tensor labels = in.labels;
  std::optional<PackedRows> packed;
  if (in.sequence_ids.defined()) {
    if (!in.position_ids.defined())
      throw Error("packed rows need position_ids with sequence_ids", "VisionLanguageModel::forward");
    packed = PackedRows{in.position_ids, in.sequence_ids};
    if (labels.defined()) labels = first_tokens_unsupervised(labels, in.sequence_ids);
  }
  const PackedRows* pk = packed ? &*packed : nullptr;
  VlmOutputs out;
  if (labels.defined() && !return_logits) {
    // Training: the LLM hands back only the rows whose next token is supervised.
    const int64_t T = labels.size(1);
    torch::Tensor rows = next_token_rows(labels);  // [B, T]
    torch::Tensor target = labels.narrow(1, 1, T - 1).index({rows.narrow(1, 0, T - 1)});  // [M]
    // With the token embeddings frozen, only the image positions' d(embeds) leads anywhere
    // (the projector, the vision tower): the first block forms its input gradients there only.
    std::optional<torch::Tensor> grad_rows;
    if (torch::GradMode::is_enabled() && embeds.requires_grad() && !llm.embed_tokens.requires_grad())
      grad_rows = (in.input_ids == image_token_id).flatten().nonzero().squeeze(1);
    torch::Tensor hidden = llm.forward(embeds, in.attention_mask, nullptr, nullptr, pk, &rows,
                                       grad_rows ? &*grad_rows : nullptr);
    out.loss = rows_loss(llm, hidden, target, &out.num_supervised);
    return out;
  }
  torch::Tensor hidden = llm.forward(embeds, in.attention_mask, nullptr, nullptr, pk);
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
