// Trainer features on the tiny from-scratch VLM (fixture train_data): sequence packing trains
// exactly like the unpacked batches, activation checkpointing gives the same run (LoRA dropout
// included), bf16 autocast trains with fp32 master weights close to the fp32 run.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "data/collate/collate.h"
#include "data/dataset/dataset.h"
#include "models/core/error.h"
#include "models/io/safetensors.h"
#include "train/config/config.h"
#include "train/model_setup.h"
#include "train/trainer.h"
#include "tests/train/tiny_run.h"

namespace fs = std::filesystem;
using namespace vlmforge;

namespace {

using test::quiet;

fs::path scratch(const std::string& name) { return test::scratch("vlmforge_features", name); }

RootConfig tiny(const fs::path& out, const std::string& arch = "qwen2") {
  return test::tiny_train_config(out, {"model.llm.arch=" + arch, "train.stages.0.steps=4"});
}

double max_rel_diff(const std::vector<double>& a, const std::vector<double>& b) {
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]) / std::abs(b[i]));
  return worst;
}

double max_weight_diff(const std::string& dir_a, const std::string& dir_b) {
  auto fa = SafetensorsFile::open(dir_a + "/model.safetensors");
  auto fb = SafetensorsFile::open(dir_b + "/model.safetensors");
  double worst = 0;
  for (const auto& e : fa->entries())
    worst = std::max(worst, (fa->get(e.name).to(torch::kFloat64) - fb->get(e.name).to(torch::kFloat64))
                                .abs().max().item<double>());
  return worst;
}

}  // namespace

// Rows of 192 tokens hold both samples of a batch of 2; positions, attention and targets stay
// per sample, so each step's loss and update equal the unpacked run's.
TEST(TrainFeatures, PackingTrainsLikeUnpackedBatches) {
  for (const char* arch : {"qwen2", "phi"}) {
    auto a = scratch(std::string("pack_off_") + arch), b = scratch(std::string("pack_on_") + arch);
    RootConfig ca = tiny(a, arch), cb = tiny(b, arch);
    ca.data.max_length = cb.data.max_length = 384;
    cb.data.packing = true;
    // The rows really are packed: 8 samples of this set collated as the trainer does.
    RootConfig probe = cb;
    ModelBundle bundle = build_bundle(probe, false);
    data::CollateOptions co;
    co.max_length = probe.data.max_length;
    co.packing = true;
    data::Collator collate(bundle.tokenizer, probe.data.chat,
                           image::ImageProcessorConfig::siglip(static_cast<int>(bundle.image_size())), co);
    auto ds = data::open_dataset(probe.data.train, probe.data.format, "train");
    std::vector<data::Sample> eight;
    for (size_t i = 0; i < 8; ++i) eight.push_back(ds->get(i));
    const data::TrainBatch packed = collate(eight);
    EXPECT_LT(packed.rows(), 8) << "nothing was packed";

    TrainResult ra = run_training(ca, quiet()), rb = run_training(cb, quiet());
    ASSERT_EQ(ra.step_losses.size(), rb.step_losses.size());
    const double dl = max_rel_diff(rb.step_losses, ra.step_losses);
    const double dw = max_weight_diff(a.string() + "/final", b.string() + "/final");
    std::printf("PACKED TRAINING %s: 8 samples -> %lld rows of <= %lld tokens; %zu steps, max rel "
                "|dloss| = %.3g, max |dw| = %.3g\n", arch, static_cast<long long>(packed.rows()),
                static_cast<long long>(co.max_length), ra.step_losses.size(), dl, dw);
    EXPECT_LE(dl, 1e-5);
    EXPECT_LE(dw, 1e-5);
  }
}

TEST(TrainFeatures, ActivationCheckpointingGivesTheSameRun) {
  auto a = scratch("ckpt_off"), b = scratch("ckpt_on");
  RootConfig ca = tiny(a), cb = tiny(b);
  for (RootConfig* c : {&ca, &cb}) {
    c->train.lora.dropout = 0.2;
    c->train.lora.r = 4;
    c->train.stages[0].trainable = {"vision.last_1", "projector", "lora"};
    c->train.stages[0].lr = {{"vision", 3e-3}, {"projector", 3e-3}, {"lora", 3e-3}};
  }
  cb.train.activation_checkpointing = "all";
  TrainResult ra = run_training(ca, quiet()), rb = run_training(cb, quiet());
  ASSERT_EQ(ra.step_losses.size(), 4u);
  ASSERT_EQ(rb.step_losses.size(), 4u);
  const double dl = max_rel_diff(rb.step_losses, ra.step_losses);
  const double dw = max_weight_diff(a.string() + "/final", b.string() + "/final");
  std::printf("CHECKPOINTED TRAINING (LoRA dropout 0.2, vision.last_1, projector): max rel |dloss| = "
              "%.3g, max |dw| = %.3g\n", dl, dw);
  EXPECT_LE(dl, 1e-6);
  EXPECT_LE(dw, 1e-6);
}

TEST(TrainFeatures, Bf16AutocastKeepsFp32MasterWeights) {
  auto a = scratch("fp32"), b = scratch("bf16");
  RootConfig ca = tiny(a), cb = tiny(b);
  ca.train.stages[0].steps = cb.train.stages[0].steps = 20;
  ca.train.precision = "fp32";
  cb.train.precision = "bf16";
  TrainResult ra = run_training(ca, quiet()), rb = run_training(cb, quiet());
  ASSERT_EQ(rb.step_losses.size(), 20u);
  double first = 0, last = 0;
  for (int i = 0; i < 5; ++i) {
    first += rb.step_losses[static_cast<size_t>(i)] / 5;
    last += rb.step_losses[static_cast<size_t>(15 + i)] / 5;
  }
  const double rel = max_rel_diff(rb.step_losses, ra.step_losses);
  std::printf("BF16 AUTOCAST: loss %.4f -> %.4f (mean of first/last 5 steps; fp32 run %.4f -> %.4f), "
              "max rel |bf16 - fp32| per step = %.3g\n", first, last,
              (ra.step_losses[0] + ra.step_losses[1] + ra.step_losses[2] + ra.step_losses[3] + ra.step_losses[4]) / 5,
              (ra.step_losses[15] + ra.step_losses[16] + ra.step_losses[17] + ra.step_losses[18] + ra.step_losses[19]) / 5,
              rel);
  EXPECT_LT(last, 0.9 * first) << "bf16 loss does not fall";
  EXPECT_LE(rel, 0.05);
  // Master weights and optimizer state are saved as they are held: fp32.
  for (const char* f : {"model.safetensors", "optimizer.safetensors"}) {
    auto file = SafetensorsFile::open(b.string() + "/final/" + f);
    for (const auto& e : file->entries())
      if (e.dtype != "I64") {
        EXPECT_EQ(e.dtype, "F32") << f << ": " << e.name;
      }
  }
}

// model.dtype bf16 + precision bf16: frozen weights stay bf16 (half the memory), the LoRA
// adapters and the projector that train are fp32, and training works through the mixed dtypes.
TEST(TrainFeatures, Bf16FrozenWeightsWithFp32Adapters) {
  auto a = scratch("bf16_frozen");
  RootConfig c = tiny(a);
  c.model.dtype = "bf16";
  c.train.precision = "bf16";
  c.train.save_full_weights = true;
  c.train.activation_checkpointing = "llm";
  c.train.stages[0].steps = 8;
  c.train.stages[0].trainable = {"projector", "lora"};
  c.train.stages[0].lr = {{"projector", 3e-3}, {"lora", 3e-3}};
  TrainResult r = run_training(c, quiet());
  EXPECT_LT(r.step_losses.back(), r.step_losses.front()) << "loss does not fall";
  auto file = SafetensorsFile::open(a.string() + "/final/model.safetensors");
  int fp32 = 0, bf16 = 0;
  for (const auto& e : file->entries()) {
    const bool trains = e.name.find("multi_modal_projector") == 0 || e.name.find(".lora_") != std::string::npos;
    EXPECT_EQ(e.dtype, trains ? "F32" : "BF16") << e.name;
    (trains ? fp32 : bf16) += 1;
  }
  std::printf("BF16 FROZEN: %d fp32 trainable tensors, %d bf16 frozen tensors, loss %.4f -> %.4f\n",
              fp32, bf16, r.step_losses.front(), r.step_losses.back());
}

TEST(TrainFeatures, UnknownPrecisionOrCheckpointingIsRefused) {
  auto message = [](RootConfig c) {
    try {
      run_training(c, quiet());
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  RootConfig c = tiny(scratch("bad_keys"));
  c.train.precision = "fp16";
  std::string msg = message(c);
  EXPECT_NE(msg.find("train.precision"), std::string::npos) << msg;
  c.train.precision = "auto";
  c.train.activation_checkpointing = "sometimes";
  msg = message(c);
  EXPECT_NE(msg.find("train.activation_checkpointing"), std::string::npos) << msg;
}
