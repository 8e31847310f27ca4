// Generation controls: stop tokens, max_new_tokens, temperature/top-p sampling.
#include "models/generate.h"
#include "models/loader.h"

#include <gtest/gtest.h>

namespace vlmforge {
namespace {

std::unique_ptr<CausalLM> tiny_lm() {
  LlmModelConfig c;
  c.vocab_size = 40;
  c.hidden_size = 32;
  c.intermediate_size = 48;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 4;
  c.num_key_value_heads = 2;
  auto lm = std::make_unique<CausalLM>(text_config_from_hf({inline_text_config(c), "x"}),
                                       torch::kFloat32);
  torch::manual_seed(1);
  init_causal_lm(*lm, 0.5);
  return lm;
}

TEST(Generate, StopTokenEndsRowAndPadsAfter) {
  auto lm = tiny_lm();
  torch::Tensor prompt = torch::tensor({{3, 4, 5}}, torch::kInt64);
  GenerationConfig gc;
  gc.max_new_tokens = 6;
  torch::Tensor free_run = generate_from_ids(*lm, prompt, {}, gc);
  ASSERT_EQ(free_run.size(1), 6);
  gc.stop_token_ids = {free_run[0][2].item<int64_t>()};
  torch::Tensor stopped = generate_from_ids(*lm, prompt, {}, gc);
  // Stops at the first occurrence of the stop token, which is emitted.
  int64_t first = 0;
  while (free_run[0][first].item<int64_t>() != gc.stop_token_ids[0]) ++first;
  ASSERT_EQ(stopped.size(1), first + 1);
  EXPECT_TRUE(torch::equal(stopped[0], free_run[0].narrow(0, 0, first + 1)));
}

TEST(Generate, TinyTopPIsGreedyAndSamplingIsSeeded) {
  auto lm = tiny_lm();
  torch::Tensor prompt = torch::tensor({{1, 2, 3, 4}, {5, 6, 7, 8}}, torch::kInt64);
  GenerationConfig greedy;
  greedy.max_new_tokens = 5;
  GenerationConfig nucleus = greedy;
  nucleus.temperature = 1.0;
  nucleus.top_p = 1e-6;  // only the most probable token survives
  EXPECT_TRUE(torch::equal(generate_from_ids(*lm, prompt, {}, greedy),
                           generate_from_ids(*lm, prompt, {}, nucleus)));
  GenerationConfig sample = greedy;
  sample.temperature = 1.5;
  sample.seed = 42;
  EXPECT_TRUE(torch::equal(generate_from_ids(*lm, prompt, {}, sample),
                           generate_from_ids(*lm, prompt, {}, sample)));
}

TEST(Generate, TopPKeepsSmallestSetReachingTheMass) {
  // probs 0.5, 0.3, 0.2: top_p 0.7 keeps {0, 1} only.
  torch::Tensor logits = torch::log(torch::tensor({{0.5, 0.3, 0.2}}));
  GenerationConfig gc;
  gc.temperature = 1.0;
  gc.top_p = 0.7;
  at::Generator gen = at::detail::createCPUGenerator(7);
  std::vector<int> seen(3, 0);
  for (int i = 0; i < 400; ++i) seen[pick_next_tokens(logits, gc, &gen).item<int64_t>()]++;
  EXPECT_EQ(seen[2], 0);
  EXPECT_GT(seen[0], seen[1]);
  EXPECT_GT(seen[1], 0);
}

}  // namespace
}  // namespace vlmforge
