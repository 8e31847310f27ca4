// Input gradients on selected rows only (Linear::forward / CausalLM::forward `*_grad_rows`): with
// frozen token embeddings only the image positions' d(embeds) reaches a trainable parameter, so
// the LLM's first block forms its frozen q/k/v (and, with Phi's parallel residual, fc1) input
// gradients there only. Checked against the plain path: the selected rows of d(x) and every
// trainable gradient agree, and the other rows really differ (the short cut is taken).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <map>

#include "models/layers/lora.h"
#include "models/loader.h"
#include "tests/models/tiny_vlm.h"

namespace vlmforge {
namespace {

double max_diff(const torch::Tensor& a, const torch::Tensor& b) {
  return (a - b).abs().max().item<double>();
}

TEST(InputGradRows, FrozenLinearWithAdapterMatchesOnSelectedRows) {
  torch::manual_seed(3);
  Linear lin({{"q_proj", 12}, {"k_proj", 4}}, 10, true, torch::TensorOptions());
  init_normal(lin, 0.3);
  LinearList linears;
  collect_linears("attn", lin, linears);
  apply_lora(linears, R"(attn\.q_proj)", LoraSpec{3, 6.0, 0.0, false}, at::detail::createCPUGenerator(1));
  auto q = std::dynamic_pointer_cast<LoraAdapter>(lin.parts[0].adapter);
  {
    torch::NoGradGuard no_grad;
    q->B.normal_(0, 0.5);
  }
  q->A.requires_grad_(true);
  q->B.requires_grad_(true);
  const torch::Tensor x0 = torch::randn({2, 7, 10});
  const torch::Tensor upstream = torch::randn({2, 7, 16});
  const torch::Tensor rows = torch::tensor({0, 3, 4, 9}, torch::kInt64);

  auto run = [&](const torch::Tensor* grad_rows) {
    torch::Tensor x = x0.clone().requires_grad_(true);
    q->A.mutable_grad() = torch::Tensor();
    q->B.mutable_grad() = torch::Tensor();
    torch::Tensor y = lin.forward(x, grad_rows);
    (y * upstream).sum().backward();
    return std::vector<torch::Tensor>{y.detach(), x.grad().reshape({14, 10}), q->A.grad().clone(),
                                      q->B.grad().clone()};
  };
  auto plain = run(nullptr);
  auto short_cut = run(&rows);
  EXPECT_LE(max_diff(plain[0], short_cut[0]), 1e-6) << "output";
  EXPECT_LE(max_diff(plain[1].index_select(0, rows), short_cut[1].index_select(0, rows)), 1e-6);
  EXPECT_LE(max_diff(plain[2], short_cut[2]), 1e-6) << "lora_A";
  EXPECT_LE(max_diff(plain[3], short_cut[3]), 1e-6) << "lora_B";
  // Row 1 is not selected: only the adapter's part of its gradient is formed.
  EXPECT_GT(max_diff(plain[1][1], short_cut[1][1]), 1e-3);
}

// LoRA on every LLM linear, projector trainable, everything else frozen (the usual second stage).
std::unique_ptr<VisionLanguageModel> lora_vlm(const std::string& arch) {
  auto vlm = build_vlm(test::tiny_vlm_config(arch, 2, 32, 9));
  LoraSpec spec;
  spec.r = 4;
  spec.alpha = 8;
  test::lora_on_llm_and_projector(*vlm, spec, 5);
  return vlm;
}

std::map<std::string, torch::Tensor> trainable_grads(VisionLanguageModel& vlm) {
  std::map<std::string, torch::Tensor> g;
  for (const auto& s : vlm.named_parameters())
    if (s.storage->requires_grad() && s.storage->grad().defined()) {
      g[s.name] = s.storage->grad().clone();
      s.storage->mutable_grad() = torch::Tensor();
    }
  return g;
}

TEST(InputGradRows, VlmTrainingGradientsEqualThePlainPath) {
  for (const char* arch : {"qwen2", "phi"}) {
    auto vlm = lora_vlm(arch);
    const VlmInputs in = test::tiny_image_batch(2, 20, 3);
    const int64_t T = in.labels.size(1);

    // Short cut: VisionLanguageModel::forward passes the image positions as grad rows.
    vlm->forward(in).loss.backward();
    auto fast = trainable_grads(*vlm);

    // Plain: the same loss with every row's input gradient formed.
    torch::Tensor embeds = vlm->embed_inputs(in.input_ids, in.pixel_values);
    torch::Tensor rows = next_token_rows(in.labels);
    torch::Tensor target = in.labels.narrow(1, 1, T - 1).index({rows.narrow(1, 0, T - 1)});
    torch::Tensor hidden = vlm->llm.forward(embeds, in.attention_mask, nullptr, nullptr, nullptr, &rows);
    rows_loss(vlm->llm, hidden, target, nullptr).backward();
    auto plain = trainable_grads(*vlm);

    ASSERT_EQ(fast.size(), plain.size()) << arch;
    ASSERT_GT(fast.size(), 20u) << arch;
    double worst = 0, largest = 0;
    for (const auto& [name, g] : plain) {
      ASSERT_TRUE(fast.count(name)) << arch << " " << name;
      worst = std::max(worst, max_diff(g, fast.at(name)));
      largest = std::max(largest, g.abs().max().item<double>());
    }
    std::printf("INPUT_GRAD_ROWS %s: %zu trainable tensors, max |dgrad| = %.3g (largest %.3g)\n", arch,
                plain.size(), worst, largest);
    EXPECT_LE(worst, 1e-6) << arch;

    // At the LLM's input: image rows agree, text rows are not formed (the short cut is taken).
    torch::Tensor image_rows = (in.input_ids == test::kImageToken).flatten().nonzero().squeeze(1);
    torch::Tensor text_rows = (in.input_ids != test::kImageToken).flatten().nonzero().squeeze(1);
    auto d_embeds = [&](const torch::Tensor* grad_rows) {
      torch::Tensor e = embeds.detach().clone().requires_grad_(true);
      torch::Tensor h = vlm->llm.forward(e, in.attention_mask, nullptr, nullptr, nullptr, &rows, grad_rows);
      rows_loss(vlm->llm, h, target, nullptr).backward();
      trainable_grads(*vlm);
      return e.grad().reshape({-1, e.size(-1)});
    };
    torch::Tensor all = d_embeds(nullptr), some = d_embeds(&image_rows);
    EXPECT_LE(max_diff(all.index_select(0, image_rows), some.index_select(0, image_rows)), 1e-6) << arch;
    EXPECT_GT(max_diff(all.index_select(0, text_rows), some.index_select(0, text_rows)), 1e-4) << arch;
  }
}

}  // namespace
}  // namespace vlmforge
