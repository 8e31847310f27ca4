// Tiny from-scratch VLMs for unit tests: 32x32 images become 16 tokens of id 63, vocabulary 64,
// every vision block feeds the projector. Phi-like: partial rotary 0.5, untied head with bias.
#pragma once

#include "models/config.h"
#include "models/layers/lora.h"
#include "models/vlm.h"

namespace vlmforge::test {

constexpr int64_t kImageToken = 63, kImageTokens = 16;

inline ModelConfig tiny_vlm_config(const std::string& arch, int64_t layers = 2, int64_t width = 32,
                                   int64_t seed = 5) {
  ModelConfig c;
  c.vision.hidden_size = 32;
  c.vision.intermediate_size = 48;
  c.vision.num_hidden_layers = 2;
  c.vision.num_attention_heads = 2;
  c.vision.image_size = 32;
  c.vision.patch_size = 8;
  c.llm.arch = arch;
  c.llm.vocab_size = 64;
  c.llm.hidden_size = width;
  c.llm.intermediate_size = width * 3 / 2;
  c.llm.num_hidden_layers = layers;
  c.llm.num_attention_heads = 4;
  c.llm.num_key_value_heads = arch == "phi" ? 4 : 2;
  if (arch == "phi") {
    c.llm.partial_rotary_factor = 0.5;
    c.llm.tie_word_embeddings = false;
  }
  c.image_token_id = kImageToken;
  c.vision_feature_layer = -1;
  c.init_seed = seed;
  return c;
}

// B rows of one text token, one image (16 tokens), text_len - 1 text tokens; the text after the
// image is supervised.
inline VlmInputs tiny_image_batch(int64_t B, int64_t text_len, uint64_t seed) {
  torch::manual_seed(seed);
  VlmInputs in;
  torch::Tensor text = torch::randint(1, kImageToken, {B, text_len});
  in.input_ids = torch::cat({text.narrow(1, 0, 1), torch::full({B, kImageTokens}, kImageToken, torch::kInt64),
                             text.narrow(1, 1, text_len - 1)}, 1);
  in.labels = in.input_ids.clone();
  in.labels.narrow(1, 0, 1 + kImageTokens).fill_(-100);
  in.pixel_values = torch::randn({B, 3, 32, 32});
  return in;
}

// The usual second training stage: LoRA (`spec`, A from `seed`) on every LLM linear, everything
// frozen but the adapters and the projector. B is drawn N(0, 0.1) from the global generator:
// PEFT's B = 0 would leave A without gradient.
inline void lora_on_llm_and_projector(VisionLanguageModel& vlm, const LoraSpec& spec, uint64_t seed) {
  LinearList llm;
  vlm.llm.linears("language_model", llm);
  apply_lora(llm, ".*", spec, torch::make_generator<at::CPUGeneratorImpl>(seed));
  ParamList params = vlm.named_parameters();
  set_requires_grad(params, "", false);
  {
    torch::NoGradGuard no_grad;
    for (auto& l : llm)
      if (auto a = std::dynamic_pointer_cast<LoraAdapter>(l.get().adapter)) a->B.normal_(0, 0.1);
  }
  for (const auto& s : params)
    if (s.name.find(".lora_") != std::string::npos) s.storage->requires_grad_(true);
  set_requires_grad(params, "multi_modal_projector", true);
}

}  // namespace vlmforge::test
