// LLaVA = SigLIP + Qwen2 (>= 4.52 key layout) and SigLIP + Phi (legacy layout) against
// transformers: logits with several images per sample and left padding, the supervised-only
// loss, greedy continuations one at a time and batched.
#include "models/generate.h"
#include "models/loader.h"
#include "tests/models/fixtures.h"

namespace vlmforge {
namespace {

using test::FixtureIo;
using test::max_abs_diff;
using test::report;

class LlavaParity : public ::testing::TestWithParam<std::string> {};

TEST_P(LlavaParity, LogitsAndLossMatchTransformers) {
  const std::string name = GetParam();
  auto vlm = load_llava(test::fixture_dir(name), torch::kFloat32);
  FixtureIo io(name);
  EXPECT_EQ(vlm->image_token_id, test::fixture_meta(name)["image_token_id"].get<int64_t>());
  torch::NoGradGuard no_grad;
  VlmInputs in{io["input_ids"], io["pixel_values"], io["attention_mask"], io["labels"]};
  VlmOutputs out = vlm->forward(in, /*return_logits=*/true);
  torch::Tensor real = in.attention_mask.to(torch::kBool);
  const double d = max_abs_diff(out.logits.index({real}), io["logits"].index({real}));
  const double d_loss = max_abs_diff(out.loss, io["loss"][0]);
  report(name + " logits", d);
  report(name + " loss", d_loss);
  EXPECT_LE(d, test::kLogitTol);
  EXPECT_LE(d_loss, 1e-5);
  EXPECT_GT(out.num_supervised, 0);
}

TEST_P(LlavaParity, GreedyMatchesTransformersBatchedAndUnbatched) {
  const std::string name = GetParam();
  auto vlm = load_llava(test::fixture_dir(name), torch::kFloat32);
  FixtureIo io(name);
  GenerationConfig gc;
  gc.max_new_tokens = test::fixture_meta(name)["max_new_tokens"].get<int64_t>();
  torch::Tensor pix = io["pixel_values"];
  std::vector<torch::Tensor> prompts = {io["greedy_prompt_0"], io["greedy_prompt_1"]};
  std::vector<torch::Tensor> images = {pix.narrow(0, 0, 1), pix.narrow(0, 1, 2)};
  std::vector<torch::Tensor> want = {io["greedy_0"], io["greedy_1"]};
  for (int i = 0; i < 2; ++i) {
    torch::Tensor got = generate(*vlm, prompts[i].unsqueeze(0), images[i], {}, gc)[0];
    EXPECT_TRUE(torch::equal(got, want[i])) << name << " sample " << i << ": got " << got
                                            << " want " << want[i];
  }
  torch::Tensor batched = generate(*vlm, io["input_ids"], pix, io["attention_mask"], gc);
  for (int i = 0; i < 2; ++i)
    EXPECT_TRUE(torch::equal(batched[i], want[i])) << name << " batched row " << i;
}

INSTANTIATE_TEST_SUITE_P(Checkpoints, LlavaParity,
                         ::testing::Values("llava_qwen2", "llava_phi_legacy"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace vlmforge
