// LoRA on a stacked linear (q/k/v as one GEMM) adds every adapter's delta with one block-diagonal
// GEMM; checked against the per-part formula y_part = W_part x + s · B (A x), written out with
// plain LibTorch ops, for adapters on some parts only (PEFT's common "q_proj|v_proj" target).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "models/layers/lora.h"

using namespace vlmforge;

TEST(LoraStacked, PartialAdaptersMatchPerPartFormulaAndGradients) {
  torch::manual_seed(5);
  Linear qkv({{"q_proj", 12}, {"k_proj", 4}, {"v_proj", 4}}, 10, true, torch::TensorOptions());
  init_normal(qkv, 0.2);
  LinearList linears;
  collect_linears("attn", qkv, linears);
  apply_lora(linears, R"(attn\.(q_proj|v_proj))", LoraSpec{3, 6.0, 0.0, false},
             at::detail::createCPUGenerator(1));
  auto q = std::dynamic_pointer_cast<LoraAdapter>(qkv.parts[0].adapter);
  auto v = std::dynamic_pointer_cast<LoraAdapter>(qkv.parts[2].adapter);
  ASSERT_TRUE(q && v && !qkv.parts[1].adapter);
  {
    torch::NoGradGuard no_grad;
    q->B.normal_(0, 0.5);
    v->B.normal_(0, 0.5);
  }
  for (auto* t : {&q->A, &q->B, &v->A, &v->B}) t->requires_grad_(true);

  torch::Tensor x = torch::randn({2, 7, 10});
  torch::Tensor y = qkv.forward(x);
  torch::Tensor upstream = torch::randn_like(y);
  (y * upstream).sum().backward();
  std::vector<torch::Tensor> got = {q->A.grad().clone(), q->B.grad().clone(), v->A.grad().clone(),
                                    v->B.grad().clone()};

  for (auto* t : {&q->A, &q->B, &v->A, &v->B}) t->mutable_grad() = torch::Tensor();
  namespace F = torch::nn::functional;
  const double s = 6.0 / 3.0;
  torch::Tensor base = F::linear(x, qkv.weight, qkv.bias);
  torch::Tensor ref = torch::cat({base.narrow(-1, 0, 12) + F::linear(F::linear(x, q->A), q->B) * s,
                                  base.narrow(-1, 12, 4),
                                  base.narrow(-1, 16, 4) + F::linear(F::linear(x, v->A), v->B) * s},
                                 -1);
  (ref * upstream).sum().backward();
  EXPECT_LE((y - ref).abs().max().item<double>(), 1e-5);
  std::vector<torch::Tensor> want = {q->A.grad(), q->B.grad(), v->A.grad(), v->B.grad()};
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_LE((got[i] - want[i]).abs().max().item<double>(), 1e-5) << "gradient " << i;
}
