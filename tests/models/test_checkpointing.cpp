// Activation checkpointing: the gradient of every trainable parameter equals the one computed
// with stored activations (full training, and LoRA with dropout on a partly frozen model: the
// replay draws the same dropout masks), frozen parameters get none, the RNG stream after
// backward is unchanged, and peak tensor memory of forward + backward drops.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <mutex>
#include <unordered_map>

#include <c10/core/CPUAllocator.h>
#include <c10/core/impl/alloc_cpu.h>

#include "models/layers/checkpoint.h"
#include "models/layers/lora.h"
#include "models/loader.h"
#include "tests/models/tiny_vlm.h"

namespace vlmforge {
namespace {


// Runs forward + backward with the given checkpointing and returns every trainable gradient by
// name (undefined for frozen parameters that must not get one), plus one draw of the RNG after.
std::map<std::string, torch::Tensor> gradients(VisionLanguageModel& vlm, const VlmInputs& in,
                                               bool recompute, double* next_draw) {
  vlm.vision.activation_checkpointing = vlm.llm.activation_checkpointing = recompute;
  ParamList params = vlm.named_parameters();
  for (torch::Tensor* t : unique_storages(params)) t->mutable_grad() = torch::Tensor();
  torch::manual_seed(1234);  // dropout masks
  vlm.forward(in).loss.backward();
  *next_draw = torch::rand({1}).item<double>();
  std::map<std::string, torch::Tensor> g;
  for (const auto& s : params) {
    const torch::Tensor& grad = s.storage->grad();
    g[s.name] = grad.defined() ? (s.rows < 0 ? grad : grad.narrow(0, s.offset, s.rows)).clone() : torch::Tensor();
  }
  return g;
}

void compare(const std::string& what, VisionLanguageModel& vlm, const VlmInputs& in) {
  double draw_plain = 0, draw_ckpt = 0;
  auto plain = gradients(vlm, in, false, &draw_plain);
  auto ckpt = gradients(vlm, in, true, &draw_ckpt);
  double worst = 0;
  int trained = 0, frozen = 0, unused = 0;
  for (const auto& s : vlm.named_parameters()) {
    const torch::Tensor& a = plain.at(s.name);
    const torch::Tensor& b = ckpt.at(s.name);
    if (!s.storage->requires_grad()) {
      EXPECT_FALSE(a.defined() || b.defined()) << s.name << " is frozen but got a gradient";
      ++frozen;
      continue;
    }
    ASSERT_EQ(a.defined(), b.defined()) << s.name;
    if (!a.defined()) {  // not on the loss's path (e.g. SigLIP post_layernorm)
      ++unused;
      continue;
    }
    worst = std::max(worst, (a - b).abs().max().item<double>());
    ++trained;
  }
  std::printf("CHECKPOINT %s: %d trainable tensors with gradients, %d unused, %d frozen, max |dgrad| = %.3g\n",
              what.c_str(), trained, unused, frozen, worst);
  EXPECT_LE(worst, 1e-6) << what;
  EXPECT_GT(trained, 10);
  EXPECT_LE(unused, 2);
  EXPECT_EQ(draw_plain, draw_ckpt) << "the replay changed the RNG stream";
}

TEST(Checkpointing, FullTrainingGradientsEqual) {
  for (const char* arch : {"qwen2", "phi"}) {
    auto vlm = build_vlm(test::tiny_vlm_config(arch, 2, 32, 9));
    set_requires_grad(vlm->named_parameters(), "", true);
    compare(std::string("full ") + arch, *vlm, test::tiny_image_batch(2, 20, 3));
  }
}

TEST(Checkpointing, LoraWithDropoutOnPartlyFrozenModel) {
  for (const char* arch : {"qwen2", "phi"}) {
    auto vlm = build_vlm(test::tiny_vlm_config(arch, 2, 32, 9));
    LoraSpec spec;
    spec.r = 4;
    spec.alpha = 8;
    spec.dropout = 0.3;
    test::lora_on_llm_and_projector(*vlm, spec, 5);
    set_requires_grad(vlm->named_parameters(), "vision_tower.vision_model.encoder.layers.1", true);  // last vision block
    compare(std::string("lora+dropout ") + arch, *vlm, test::tiny_image_batch(2, 20, 3));
  }
}

// Counts the bytes of live CPU tensors (every CPU tensor comes from the CPU allocator). Blocks
// are plain c10::alloc_cpu memory with data == context, as some kernels require.
struct CountingAllocator final : c10::Allocator {
  static std::mutex mu;
  static std::unordered_map<void*, size_t> sizes;
  static int64_t live, peak;

  static void release(void* p) {
    {
      std::lock_guard<std::mutex> lock(mu);
      auto it = sizes.find(p);
      if (it != sizes.end()) {  // raw_deallocate may hand back blocks of the previous allocator
        live -= static_cast<int64_t>(it->second);
        sizes.erase(it);
      }
    }
    c10::free_cpu(p);
  }
  c10::DataPtr allocate(size_t n) override {
    void* p = c10::alloc_cpu(n);
    std::lock_guard<std::mutex> lock(mu);
    sizes[p] = n;
    live += static_cast<int64_t>(n);
    peak = std::max(peak, live);
    return {p, p, &release, c10::Device(c10::kCPU)};
  }
  c10::DeleterFnPtr raw_deleter() const override { return &release; }
  void copy_data(void* dest, const void* src, std::size_t count) const override {
    default_copy_data(dest, src, count);
  }
};
std::mutex CountingAllocator::mu;
std::unordered_map<void*, size_t> CountingAllocator::sizes;
int64_t CountingAllocator::live = 0, CountingAllocator::peak = 0;

TEST(Checkpointing, LowersPeakActivationMemory) {
  static CountingAllocator counting;  // outlives every tensor it hands out
  c10::Allocator* const original = c10::GetCPUAllocator();
  auto vlm = build_vlm(test::tiny_vlm_config("qwen2", 6, 64, 9));
  set_requires_grad(vlm->named_parameters(), "", true);
  VlmInputs in = test::tiny_image_batch(4, 240, 3);
  int64_t peak[2] = {0, 0};
  for (int recompute = 0; recompute < 2; ++recompute) {
    vlm->vision.activation_checkpointing = vlm->llm.activation_checkpointing = recompute == 1;
    c10::SetCPUAllocator(&counting, /*priority=*/100);
    int64_t before = 0;
    {
      std::lock_guard<std::mutex> lock(CountingAllocator::mu);
      before = CountingAllocator::peak = CountingAllocator::live;
    }
    vlm->forward(in).loss.backward();
    {
      std::lock_guard<std::mutex> lock(CountingAllocator::mu);
      peak[recompute] = CountingAllocator::peak - before;
    }
    c10::SetCPUAllocator(original, /*priority=*/100);
    for (torch::Tensor* t : unique_storages(vlm->named_parameters())) t->mutable_grad() = torch::Tensor();
  }
  std::printf("CHECKPOINT memory (6-layer LLM d=64, 2-layer vision, batch 4 x 256 tokens): peak "
              "forward+backward tensor bytes %.2f MB stored vs %.2f MB recomputed (%.0f%% less)\n",
              peak[0] / 1e6, peak[1] / 1e6, 100.0 * (1.0 - static_cast<double>(peak[1]) / peak[0]));
  EXPECT_LT(peak[1], peak[0] * 0.7);
}

}  // namespace
}  // namespace vlmforge
