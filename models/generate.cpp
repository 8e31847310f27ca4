#include "models/generate.h"

#include "models/vlm.h"

#include <ATen/CPUGeneratorImpl.h>

namespace vlmforge {

torch::Tensor pick_next_tokens(const torch::Tensor& logits, const GenerationConfig& cfg,
                               torch::Generator* gen) {
  if (cfg.temperature <= 0.0) return logits.argmax(-1);
  torch::Tensor probs = torch::softmax(logits / cfg.temperature, -1);
  if (cfg.top_p < 1.0) {
    auto [sorted, order] = probs.sort(-1, /*descending=*/true);
    // Drop a token when the mass before it already reaches top_p (the first always stays).
    torch::Tensor before = sorted.cumsum(-1) - sorted;
    sorted = sorted.masked_fill(before >= cfg.top_p, 0.0);
    probs = torch::zeros_like(probs).scatter(-1, order, sorted);
  }
  torch::Tensor on_cpu = probs.to(torch::kCPU, torch::kFloat32);
  torch::Tensor picked = at::multinomial(on_cpu, 1, false, gen ? std::optional<at::Generator>(*gen)
                                                                : std::nullopt);
  return picked.squeeze(-1).to(logits.device());
}

torch::Tensor generate(const CausalLM& lm, const torch::Tensor& prompt_embeds,
                       const torch::Tensor& attention_mask, const GenerationConfig& cfg) {
  torch::NoGradGuard no_grad;
  const int64_t B = prompt_embeds.size(0);
  auto dev = prompt_embeds.device();
  auto long_opts = torch::TensorOptions(torch::kInt64).device(dev);
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(static_cast<uint64_t>(cfg.seed));
  torch::Tensor stop_ids = torch::tensor(cfg.stop_token_ids, torch::kInt64).to(dev);

  KVCache cache;
  torch::Tensor hidden = lm.forward(prompt_embeds, attention_mask, &cache);
  torch::Tensor done = torch::zeros({B}, torch::TensorOptions(torch::kBool).device(dev));
  std::vector<torch::Tensor> out;
  for (int64_t step = 0; step < cfg.max_new_tokens; ++step) {
    torch::Tensor logits = lm.logits(hidden.select(1, hidden.size(1) - 1)).to(torch::kFloat32);
    torch::Tensor next = pick_next_tokens(logits, cfg, &gen);
    next = torch::where(done, torch::full_like(next, cfg.pad_token_id), next);
    out.push_back(next);
    if (stop_ids.numel() > 0) done = done | torch::isin(next, stop_ids);
    if (step + 1 == cfg.max_new_tokens || done.all().item<bool>()) break;
    // Finished rows keep decoding pad tokens (masked as real so positions stay consistent).
    hidden = lm.forward(lm.embed(next.unsqueeze(1)), torch::ones({B, 1}, long_opts), &cache);
  }
  if (out.empty()) return torch::zeros({B, 0}, long_opts);
  return torch::stack(out, 1);
}

torch::Tensor generate_from_ids(const CausalLM& lm, const torch::Tensor& input_ids,
                                const torch::Tensor& attention_mask, const GenerationConfig& cfg) {
  torch::NoGradGuard no_grad;
  return generate(lm, lm.embed(input_ids), attention_mask, cfg);
}

torch::Tensor generate(const VisionLanguageModel& vlm, const torch::Tensor& input_ids,
                       const torch::Tensor& pixel_values, const torch::Tensor& attention_mask,
                       const GenerationConfig& cfg) {
  torch::NoGradGuard no_grad;
  return generate(vlm.llm, vlm.embed_inputs(input_ids, pixel_values), attention_mask, cfg);
}

}  // namespace vlmforge
