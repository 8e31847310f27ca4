// The same tiny LLaVA (SigLIP + Qwen2), LoRA, batch and optimiser as transformers + PEFT
// (tests/reference/train_peft_parity.py): 20 fp32 steps give the same loss curve (<= 1e-4 rel.).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdlib>
#include <fstream>

#include <nlohmann/json.hpp>

#include "models/io/safetensors.h"
#include "models/layers/lora.h"
#include "models/loader.h"
#include "train/model_setup.h"
#include "train/optim.h"
#include "train/stages.h"

using namespace vlmforge;

TEST(TrainPeftParity, LossCurveMatchesTransformersPeft) {
  const std::string dir = std::string(std::getenv("VLMFORGE_FIXTURES")) + "/peft_parity";
  auto model = load_llava(dir + "/base", torch::kFloat32);
  LinearList llm;
  for (auto& l : model->named_linears())
    if (l.name.rfind("language_model.", 0) == 0) llm.push_back(l);
  apply_lora(llm, R"(.*\.(q_proj|k_proj|v_proj|o_proj|gate_proj|up_proj|down_proj))",
             LoraSpec{4, 8.0, 0.0, false}, at::detail::createCPUGenerator(0));
  // PEFT's own initial A (Kaiming-uniform from torch's RNG) and B (zeros).
  EXPECT_GT(load_weights_into(*model, dir + "/lora_init.safetensors"), 0u);

  ParamList params = model->named_parameters();
  StageConfig stage;
  stage.trainable = {"projector", "lora"};
  stage.lr = {{"projector", 1e-3}, {"lora", 1e-3}};
  AdamW opt(AdamWOptions{0.9, 0.999, 1e-8});
  opt.set_groups(plan_stage(params, stage, 0, model->vision.config.num_layers, 0.0));
  std::vector<torch::Tensor> trainable;
  for (const auto& g : opt.groups())
    for (const auto& p : g.params) trainable.push_back(p.param);

  auto batch = SafetensorsFile::open(dir + "/batch.safetensors");
  VlmInputs in;
  in.input_ids = batch->get("input_ids").clone();
  in.labels = batch->get("labels").clone();
  in.attention_mask = batch->get("attention_mask").clone();
  in.pixel_values = batch->get("pixel_values").clone();

  nlohmann::json ref;
  std::ifstream(dir + "/losses.json") >> ref;
  const auto expected = ref["losses"].get<std::vector<double>>();
  ASSERT_EQ(expected.size(), 20u);
  double worst = 0;
  for (size_t step = 0; step < expected.size(); ++step) {
    VlmOutputs out = model->forward(in);
    out.loss.backward();
    clip_grad_norm(trainable, 1.0);
    opt.step();
    opt.zero_grad();
    const double loss = out.loss.item<double>();
    const double rel = std::abs(loss - expected[step]) / std::abs(expected[step]);
    worst = std::max(worst, rel);
    EXPECT_LE(rel, 1e-4) << "step " << step + 1 << ": vlmforge " << loss << " vs peft " << expected[step];
  }
  std::printf("PEFT parity: 20 steps, max relative loss difference %.3g (first %.5f, last %.5f)\n",
              worst, expected.front(), expected.back());
  EXPECT_LT(expected.back(), expected.front());
}
