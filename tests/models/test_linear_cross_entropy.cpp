// The chunked LM head + cross-entropy against LibTorch's own linear + cross_entropy (autograd):
// loss and the gradients of hidden, weight and bias, with chunks smaller than the row count.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "models/layers/linear_cross_entropy.h"

using namespace vlmforge;

namespace {

struct Grads {
  torch::Tensor loss, h, w, b;
};

Grads run(bool chunked, bool with_bias, int64_t chunk_bytes) {
  torch::manual_seed(3);
  const int64_t M = 37, D = 24, V = 301;
  torch::Tensor h = torch::randn({M, D}).requires_grad_(true);
  torch::Tensor w = (torch::randn({V, D}) * 0.3).requires_grad_(true);
  torch::Tensor b = with_bias ? (torch::randn({V}) * 0.1).requires_grad_(true) : torch::Tensor();
  torch::Tensor t = torch::randint(0, V, {M}, torch::kInt64);
  torch::Tensor loss =
      chunked ? linear_cross_entropy(h, w, b, t, chunk_bytes)
              : torch::nn::functional::cross_entropy(torch::nn::functional::linear(h, w, b), t);
  (loss * 2.5).backward();  // a non-unit upstream gradient
  return {loss.detach(), h.grad(), w.grad(), with_bias ? b.grad() : torch::Tensor()};
}

double max_diff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

}  // namespace

TEST(LinearCrossEntropy, MatchesLinearThenCrossEntropy) {
  for (bool bias : {false, true}) {
    // 301 * 4 bytes * 5 rows: chunks of 5 rows, the last one partial (37 = 7 * 5 + 2).
    Grads ref = run(false, bias, 0), ours = run(true, bias, 301 * 4 * 5);
    EXPECT_LE(max_diff(ours.loss, ref.loss), 1e-6) << "bias " << bias;
    EXPECT_LE(max_diff(ours.h, ref.h), 1e-6);
    EXPECT_LE(max_diff(ours.w, ref.w), 1e-6);
    if (bias) {
      EXPECT_LE(max_diff(ours.b, ref.b), 1e-6);
    }
  }
}

TEST(LinearCrossEntropy, FrozenWeightGetsNoGradientAndNoGradModeComputesNone) {
  torch::manual_seed(4);
  torch::Tensor h = torch::randn({6, 8}).requires_grad_(true);
  torch::Tensor w = torch::randn({20, 8});  // frozen head
  torch::Tensor t = torch::randint(0, 20, {6}, torch::kInt64);
  linear_cross_entropy(h, w, {}, t).backward();
  EXPECT_TRUE(h.grad().defined());
  EXPECT_FALSE(w.grad().defined());
  torch::NoGradGuard no_grad;
  torch::Tensor loss = linear_cross_entropy(h, w, {}, t);
  EXPECT_FALSE(loss.requires_grad());
  EXPECT_NEAR(loss.item<double>(),
              torch::nn::functional::cross_entropy(torch::nn::functional::linear(h, w), t).item<double>(), 1e-6);
}
