// bf16 autocast on CPU around the VLM: fp32 weights compute their matmuls in bf16 and receive
// fp32 gradients; frozen bf16 weights mix with fp32 adapters; the loss stays fp32 and close to
// the fp32 forward.
#include <gtest/gtest.h>

#include <cstdio>

#include "models/layers/autocast.h"
#include "models/layers/checkpoint.h"
#include "models/layers/lora.h"
#include "models/loader.h"
#include "tests/models/tiny_vlm.h"

namespace vlmforge {
namespace {


TEST(Autocast, Bf16ForwardBackwardKeepsFp32Gradients) {
  for (const char* arch : {"qwen2", "phi"}) {
    auto vlm = build_vlm(test::tiny_vlm_config(arch, 2, 32, 4));
    ParamList params = vlm->named_parameters();
    {
      torch::NoGradGuard no_grad;
      for (torch::Tensor* t : unique_storages(params)) t->normal_(0, 0.2);
    }
    set_requires_grad(params, "", true);
    VlmInputs in = test::tiny_image_batch(2, 24, 8);
    const double fp32 = vlm->forward(in).loss.item<double>();
    torch::Tensor loss;
    {
      AutocastScope scope(AutocastState::lower_precision(torch::kCPU, torch::kBFloat16));
      loss = vlm->forward(in).loss;
    }
    EXPECT_EQ(loss.scalar_type(), torch::kFloat32);
    loss.backward();
    const double rel = std::abs(loss.item<double>() - fp32) / fp32;
    std::printf("AUTOCAST %s: loss fp32 %.5f, bf16 autocast %.5f (rel %.3g)\n", arch, fp32, loss.item<double>(), rel);
    EXPECT_LE(rel, 0.03);
    EXPECT_GT(rel, 0.0) << "autocast did not change the arithmetic";
    int with_grad = 0;
    for (torch::Tensor* t : unique_storages(params)) {
      if (!t->grad().defined()) continue;
      EXPECT_EQ(t->scalar_type(), torch::kFloat32);
      EXPECT_EQ(t->grad().scalar_type(), torch::kFloat32);
      ++with_grad;
    }
    EXPECT_GT(with_grad, 20);
    EXPECT_FALSE(AutocastState::current().any()) << "scope did not restore autocast";
  }
}

// Frozen weights in bf16 (memory), LoRA adapters and projector in fp32 (master weights),
// the LLM blocks checkpointed: gradients reach exactly the fp32 trainables.
TEST(Autocast, MixedDtypesWithLoraAndCheckpointing) {
  auto vlm = build_vlm(test::tiny_vlm_config("qwen2", 2, 32, 4));
  LinearList llm;
  vlm->llm.linears("language_model", llm);
  LoraSpec spec;
  spec.r = 4;
  spec.dropout = 0.1;
  apply_lora(llm, ".*", spec, torch::make_generator<at::CPUGeneratorImpl>(2));
  ParamList params = vlm->named_parameters();
  convert_params(params, torch::kBFloat16);
  set_requires_grad(params, "", false);
  ParamList trainable;
  for (const auto& s : params)
    if (s.name.find(".lora_") != std::string::npos || s.name.rfind("multi_modal_projector", 0) == 0)
      trainable.push_back(s);
  convert_params(trainable, torch::kFloat32);
  set_requires_grad(trainable, "", true);
  {
    torch::NoGradGuard no_grad;
    for (auto& l : llm)
      if (auto a = std::dynamic_pointer_cast<LoraAdapter>(l.get().adapter)) a->B.normal_(0, 0.1);
  }
  vlm->llm.activation_checkpointing = true;
  torch::Tensor loss;
  {
    AutocastScope scope(AutocastState::lower_precision(torch::kCPU, torch::kBFloat16));
    loss = vlm->forward(test::tiny_image_batch(2, 24, 8)).loss;
  }
  ASSERT_TRUE(std::isfinite(loss.item<double>()));
  loss.backward();
  int got = 0;
  for (const auto& s : params) {
    const bool trains = s.storage->requires_grad();
    EXPECT_EQ(s.storage->grad().defined(), trains) << s.name;
    if (trains) {
      EXPECT_EQ(s.storage->scalar_type(), torch::kFloat32) << s.name;
      got += s.storage->grad().abs().sum().item<double>() > 0;
    } else {
      EXPECT_EQ(s.storage->scalar_type(), torch::kBFloat16) << s.name;
    }
  }
  EXPECT_GT(got, 10);
}

}  // namespace
}  // namespace vlmforge
