// The trainer on a tiny from-scratch VLM and a small synthetic set (fixture train_data):
// exact resume, accumulation = large batch, frozen parts untouched, LoRA merge, failures.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "models/core/error.h"
#include "models/io/safetensors.h"
#include "models/layers/lora.h"
#include "train/config/config.h"
#include "train/model_setup.h"
#include "train/trainer.h"
#include "tests/train/tiny_run.h"

namespace fs = std::filesystem;
using namespace vlmforge;

namespace {

using test::quiet;

fs::path scratch(const std::string& name) { return test::scratch("vlmforge_trainer", name); }

// A tiny model; the SentencePiece tokenizer is trained once and shared by every run.
RootConfig tiny(const fs::path& out) {
  return test::tiny_train_config(out, {"train.weight_decay=0.01", "train.stages.0.steps=6"});
}

std::map<std::string, torch::Tensor> weights(const std::string& dir) {
  auto f = SafetensorsFile::open(dir + "/model.safetensors");
  std::map<std::string, torch::Tensor> out;
  for (const auto& e : f->entries()) out[e.name] = f->get(e.name).clone();
  return out;
}

}  // namespace

TEST(Trainer, ResumeIsBitExact) {
  auto a = scratch("resume_a"), b = scratch("resume_b");
  RootConfig ca = tiny(a);
  TrainResult full = run_training(ca, quiet());
  ASSERT_EQ(full.step_losses.size(), 6u);
  EXPECT_LT(full.step_losses.back(), full.step_losses.front()) << "loss does not fall";

  RootConfig cb = tiny(b);
  cb.train.stop_after = 3;
  TrainResult first = run_training(cb, quiet());
  ASSERT_TRUE(first.stopped_early);
  ASSERT_EQ(first.step_losses.size(), 3u);
  cb.train.stop_after = 0;
  TrainOptions resume = quiet();
  resume.resume = "latest";
  TrainResult second = run_training(cb, resume);
  ASSERT_EQ(second.step_losses.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(first.step_losses[i], full.step_losses[i]) << "step " << i + 1;
    EXPECT_EQ(second.step_losses[i], full.step_losses[i + 3]) << "step " << i + 4;
  }
  auto wa = weights(a.string() + "/final"), wb = weights(b.string() + "/final");
  ASSERT_EQ(wa.size(), wb.size());
  for (auto& [name, t] : wa) EXPECT_TRUE(torch::equal(t, wb.at(name))) << name;
}

TEST(Trainer, AccumulationEqualsLargeBatch) {
  auto a = scratch("accum_a"), b = scratch("accum_b");
  RootConfig ca = tiny(a), cb = tiny(b);
  ca.train.stages[0].steps = cb.train.stages[0].steps = 2;
  ca.train.batch_size = 8;
  ca.train.grad_accum = 1;
  cb.train.batch_size = 2;
  cb.train.grad_accum = 4;
  TrainResult ra = run_training(ca, quiet()), rb = run_training(cb, quiet());
  for (size_t i = 0; i < 2; ++i) EXPECT_NEAR(ra.step_losses[i], rb.step_losses[i], 1e-6);
  // Accumulation is about gradients: the optimizer's first moment is linear in them
  // (m = 0.09 g1 + 0.1 g2 after two steps), so m / (1 - beta1) compares them at gradient scale.
  auto ma = SafetensorsFile::open(a.string() + "/final/optimizer.safetensors");
  auto mb = SafetensorsFile::open(b.string() + "/final/optimizer.safetensors");
  double worst_grad = 0;
  for (const auto& e : ma->entries()) {
    if (e.name.size() < 8 || e.name.substr(e.name.size() - 8) != ".exp_avg") continue;
    worst_grad = std::max(worst_grad, (ma->get(e.name) - mb->get(e.name)).abs().max().item<double>() / 0.1);
  }
  auto wa = weights(a.string() + "/final"), wb = weights(b.string() + "/final");
  double worst = 0;
  for (auto& [name, t] : wa) worst = std::max(worst, (t - wb.at(name)).abs().max().item<double>());
  std::printf("accumulation 4 x 2 vs batch 8: max |dgrad| = %.3g, max |dw| after 2 AdamW steps = %.3g\n",
              worst_grad, worst);
  // 2e-6 absolute is 1e-5 of the largest gradient (~0.2, the projector bias: a sum over every
  // image token, whose order differs between one batch of 8 and four of 2).
  EXPECT_LE(worst_grad, 2e-6);
  // Weights: AdamW divides by sqrt(v) + 1e-8, so where a gradient is ~1e-6 fp32 summation-order
  // noise is magnified towards lr (3e-3) scale; 2e-5 is still far below one update.
  EXPECT_LE(worst, 2e-5);
}

TEST(Trainer, FrozenPartsStayBitwiseUnchanged) {
  auto a = scratch("frozen");
  RootConfig c = tiny(a);
  c.train.stages[0].trainable = {"projector", "lora"};
  c.train.stages[0].lr = {{"projector", 3e-3}, {"lora", 3e-3}};
  c.train.stages[0].steps = 3;
  c.train.save_full_weights = true;
  run_training(c, quiet());
  RootConfig fresh_cfg = tiny(a);
  fresh_cfg.train = c.train;
  ModelBundle fresh = build_bundle(fresh_cfg, true);
  auto w = weights(a.string() + "/final");
  int frozen = 0, trained = 0;
  for (const auto& slot : fresh.model->named_parameters()) {
    const bool trains = slot.name.find("multi_modal_projector") == 0 || slot.name.find(".lora_") != std::string::npos;
    bool same = torch::equal(slot.view(), w.at(slot.name));
    if (trains) {
      trained += !same;
    } else {
      EXPECT_TRUE(same) << slot.name << " changed although frozen";
      ++frozen;
    }
  }
  EXPECT_GT(frozen, 10);
  EXPECT_GT(trained, 0) << "nothing trained";
}

TEST(Trainer, LoraMergedEqualsUnmerged) {
  RootConfig c = tiny(scratch("merge"));
  ModelBundle b = build_bundle(c, true);
  torch::NoGradGuard no_grad;
  LinearList llm = b.llm_linears();
  set_lora_training(llm, false);
  for (auto& l : llm)
    if (auto a = std::dynamic_pointer_cast<LoraAdapter>(l.get().adapter)) a->B.normal_(0, 0.05);
  torch::Tensor ids = torch::randint(5, 300, {2, 12});
  VlmInputs in;
  in.input_ids = ids;
  torch::Tensor before = b.model->forward(in, true).logits;
  merge_lora(llm);
  torch::Tensor after = b.model->forward(in, true).logits;
  const double diff = (before - after).abs().max().item<double>();
  std::printf("LoRA merged vs unmerged: max |dlogits| = %.3g\n", diff);
  EXPECT_LE(diff, 1e-5);
  EXPECT_GT((before).abs().max().item<double>(), 0.0);
}

TEST(Trainer, NanLossStopsAndKeepsLastCheckpoint) {
  auto a = scratch("nan");
  RootConfig c = tiny(a);
  c.train.save_every = 1;
  c.train.max_grad_norm = 0;
  c.train.stages[0].lr = {{"vision", 1e30}, {"projector", 1e30}, {"llm", 1e30}};
  c.train.stages[0].warmup_steps = 0;
  c.train.schedule = "constant";
  try {
    run_training(c, quiet());
    FAIL() << "training with lr 1e30 did not stop";
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("loss is"), std::string::npos) << msg;
    EXPECT_NE(msg.find("last good checkpoint"), std::string::npos) << msg;
  }
  EXPECT_TRUE(fs::exists(a / "step-000001" / "model.safetensors"));
}

TEST(Trainer, RefusesCheckpointOfAnotherModel) {
  auto a = scratch("other");
  RootConfig c = tiny(a);
  c.train.stop_after = 1;
  run_training(c, quiet());
  RootConfig other = tiny(a);
  other.model.llm.hidden_size = 96;
  TrainOptions o = quiet();
  o.resume = "latest";
  try {
    run_training(other, o);
    FAIL() << "resumed another model's checkpoint";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("another model"), std::string::npos) << e.what();
  }
}

TEST(Trainer, CorruptImageAndMalformedLineAreNamed) {
  auto dir = scratch("bad_data");
  fs::create_directories(dir / "images");
  std::ofstream(dir / "images" / "x.png") << "not a png";
  std::ofstream(dir / "train.jsonl")
      << R"({"id": "a", "image": "images/x.png", "conversations": [{"from": "human", "value": "<image>\nQ?"}, {"from": "gpt", "value": "A"}]})"
      << "\n";
  RootConfig c = tiny(scratch("bad_run"));
  c.data.train = dir.string();
  c.train.batch_size = 1;
  try {
    run_training(c, quiet());
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("x.png"), std::string::npos) << e.what();
  }
  std::ofstream(dir / "train.jsonl", std::ios::app) << "{not json\n";
  try {
    run_training(c, quiet());
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("train.jsonl:2"), std::string::npos) << e.what();
  }
}
