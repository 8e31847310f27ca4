// Autoregressive decoding with a KV cache: greedy or sampled (temperature, top-p), stop tokens,
// batches with left padding, a cap on new tokens.
#pragma once

#include "models/text/decoder.h"

#include <cstdint>
#include <vector>

namespace vlmforge {

class VisionLanguageModel;

struct GenerationConfig {
  int64_t max_new_tokens = 64;
  double temperature = 0.0;  // <= 0: greedy (argmax)
  double top_p = 1.0;        // nucleus sampling mass (used when sampling)
  std::vector<int64_t> stop_token_ids;  // a row ends after emitting one of these
  int64_t pad_token_id = 0;             // written after a row has stopped
  int64_t seed = 0;                     // sampling RNG seed
};

// prompt_embeds: [B, T, D] (left-padded); attention_mask: [B, T] or undefined.
// Returns the new tokens [B, N] (N <= max_new_tokens: decoding stops early once every row has
// stopped); a stopped row holds its stop token and then pad_token_id.
torch::Tensor generate(const CausalLM& lm, const torch::Tensor& prompt_embeds,
                       const torch::Tensor& attention_mask, const GenerationConfig& cfg);
torch::Tensor generate_from_ids(const CausalLM& lm, const torch::Tensor& input_ids,
                                const torch::Tensor& attention_mask, const GenerationConfig& cfg);
torch::Tensor generate(const VisionLanguageModel& vlm, const torch::Tensor& input_ids,
                       const torch::Tensor& pixel_values, const torch::Tensor& attention_mask,
                       const GenerationConfig& cfg);

// Next-token choice from logits [B, V] (fp32): argmax or temperature + top-p sampling.
torch::Tensor pick_next_tokens(const torch::Tensor& logits, const GenerationConfig& cfg,
                               torch::Generator* gen);

}  // namespace vlmforge
