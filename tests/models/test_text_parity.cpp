// Qwen2 (GQA tied, untied), Phi (partial rotary, lm_head bias), Llama against transformers.
#include "models/generate.h"
#include "models/loader.h"
#include "tests/models/fixtures.h"

namespace vlmforge {
namespace {

using test::FixtureIo;
using test::kLogitTol;
using test::max_abs_diff;
using test::report;

class TextParity : public ::testing::TestWithParam<std::string> {};

TEST_P(TextParity, LogitsAndHiddenStatesMatchTransformers) {
  const std::string name = GetParam();
  auto lm = load_causal_lm(test::fixture_dir(name), torch::kFloat32);
  FixtureIo io(name);
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> hidden;
  torch::Tensor last = lm->forward(lm->embed(io["input_ids"]), {}, nullptr, &hidden);
  const double d_logits = max_abs_diff(lm->logits(last), io["logits"]);
  report(name + " logits", d_logits);
  EXPECT_LE(d_logits, kLogitTol);

  // HF hidden_states: embeddings, each block's output, the last one after the final norm.
  torch::Tensor ref = io["hidden_states"];
  ASSERT_EQ(ref.size(0), static_cast<int64_t>(hidden.size()));
  double d_hidden = 0;
  for (size_t i = 0; i + 1 < hidden.size(); ++i)
    d_hidden = std::max(d_hidden, max_abs_diff(hidden[i], ref[i]));
  d_hidden = std::max(d_hidden, max_abs_diff(last, ref[ref.size(0) - 1]));
  report(name + " hidden states", d_hidden);
  EXPECT_LE(d_hidden, kLogitTol);
}

// Weights loaded as bf16 against transformers in bf16: same roundings up to GEMM blocking
// (fused q/k/v and gate/up). The tolerance is a few bf16 ulps at these logit magnitudes.
TEST_P(TextParity, Bf16LogitsCloseToTransformersBf16) {
  const std::string name = GetParam();
  auto lm = load_causal_lm(test::fixture_dir(name), torch::kBFloat16);
  EXPECT_EQ(lm->embed_tokens.scalar_type(), torch::kBFloat16);
  FixtureIo io(name);
  torch::NoGradGuard no_grad;
  torch::Tensor logits = lm->logits(lm->forward(lm->embed(io["input_ids"]), {}));
  const double d = max_abs_diff(logits, io["bf16_logits"]);
  const double scale = io["bf16_logits"].abs().max().item<double>();
  report(name + " bf16 logits", d);
  EXPECT_LE(d, 0.02 * scale) << "logit scale " << scale;
}

TEST_P(TextParity, LeftPaddedBatchMatchesTransformers) {
  const std::string name = GetParam();
  auto lm = load_causal_lm(test::fixture_dir(name), torch::kFloat32);
  FixtureIo io(name);
  torch::NoGradGuard no_grad;
  torch::Tensor mask = io["pad_attention_mask"];
  torch::Tensor logits = lm->logits(lm->forward(lm->embed(io["pad_input_ids"]), mask));
  torch::Tensor real = mask.to(torch::kBool);
  const double d = max_abs_diff(logits.index({real}), io["pad_logits"].index({real}));
  report(name + " left-padded logits", d);
  EXPECT_LE(d, kLogitTol);
}

TEST_P(TextParity, GreedyMatchesTransformersBatchedAndUnbatched) {
  const std::string name = GetParam();
  auto lm = load_causal_lm(test::fixture_dir(name), torch::kFloat32);
  FixtureIo io(name);
  GenerationConfig gc;
  gc.max_new_tokens = test::fixture_meta(name)["max_new_tokens"].get<int64_t>();
  std::vector<torch::Tensor> prompts = {io["greedy_prompt_0"], io["greedy_prompt_1"]};
  std::vector<torch::Tensor> want = {io["greedy_0"], io["greedy_1"]};
  for (int i = 0; i < 2; ++i) {
    torch::Tensor got = generate_from_ids(*lm, prompts[i].unsqueeze(0), {}, gc)[0];
    EXPECT_TRUE(torch::equal(got, want[i])) << name << " prompt " << i << ": got " << got
                                            << " want " << want[i];
  }
  // Both prompts in one left-padded batch give the same ids as one at a time.
  const int64_t T = std::max(prompts[0].size(0), prompts[1].size(0));
  torch::Tensor ids = torch::zeros({2, T}, torch::kInt64), mask = torch::zeros({2, T}, torch::kInt64);
  for (int i = 0; i < 2; ++i) {
    const int64_t n = prompts[i].size(0);
    ids[i].narrow(0, T - n, n).copy_(prompts[i]);
    mask[i].narrow(0, T - n, n).fill_(1);
  }
  torch::Tensor batched = generate_from_ids(*lm, ids, mask, gc);
  for (int i = 0; i < 2; ++i)
    EXPECT_TRUE(torch::equal(batched[i], want[i])) << name << " batched row " << i << ": got "
                                                   << batched[i] << " want " << want[i];
}

INSTANTIATE_TEST_SUITE_P(Architectures, TextParity,
                         ::testing::Values("qwen2_tied", "qwen2_untied", "phi", "llama",
                                           "llama31_scaled_rope"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace vlmforge
