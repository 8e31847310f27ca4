#include "models/layers/linear_cross_entropy.h"

#include <algorithm>
#include <cmath>

namespace vlmforge {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

struct LinearCrossEntropy : torch::autograd::Function<LinearCrossEntropy> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& hidden,
                               const torch::Tensor& weight, const torch::Tensor& bias_or_empty,
                               const torch::Tensor& target, int64_t chunk_rows, bool grad_mode) {
    // (Function::apply runs this with grad mode off; `grad_mode` is the caller's. Autograd
    // functions take no undefined tensors: "no bias" arrives as an empty tensor.)
    const torch::Tensor bias = bias_or_empty.numel() ? bias_or_empty : torch::Tensor();
    const int64_t M = hidden.size(0);
    const bool need_h = grad_mode && hidden.requires_grad();
    const bool need_w = grad_mode && weight.requires_grad();
    const bool need_b = grad_mode && bias.defined() && bias.requires_grad();
    const bool need_any = need_h || need_w || need_b;
    torch::Tensor grad_h = need_h ? torch::empty_like(hidden) : torch::Tensor();
    // The weight gradient is summed over chunks in fp32 whatever the weight's dtype.
    torch::Tensor grad_w = need_w ? torch::zeros_like(weight, torch::kFloat32) : torch::Tensor();
    torch::Tensor grad_b = need_b ? torch::zeros_like(bias, torch::kFloat32) : torch::Tensor();
    torch::Tensor loss_sum = torch::zeros({}, hidden.options().dtype(torch::kFloat32));
    for (int64_t start = 0; start < M; start += chunk_rows) {
      const int64_t n = std::min(chunk_rows, M - start);
      torch::Tensor h = hidden.narrow(0, start, n);
      torch::Tensor t = target.narrow(0, start, n).unsqueeze(1);                 // [n, 1]
      torch::Tensor logits = torch::nn::functional::linear(h, weight, bias).to(torch::kFloat32);  // [n, V]
      // log_softmax in place: one row-wise kernel (max, sum of exponentials, write) that keeps
      // each [V] row in cache, where logsumexp + subtract made four passes and a [n, V] temporary.
      torch::Tensor logp = at::_log_softmax_out(logits, logits, 1, /*half_to_float=*/false);
      loss_sum -= logp.gather(1, t).sum();
      if (!need_any) continue;
      // d(mean loss)/d(logits) = (softmax - onehot(target)) / M, built in the logits buffer:
      // exp(log_softmax - log M) = softmax / M in one more pass.
      torch::Tensor g = logp.sub_(std::log(static_cast<double>(M))).exp_();
      g.scatter_add_(1, t, torch::full({n, 1}, -1.0 / static_cast<double>(M), g.options()));
      if (need_h) grad_h.narrow(0, start, n).copy_(torch::mm(g.to(weight.scalar_type()), weight));
      if (need_w) grad_w.addmm_(g.t(), h.to(torch::kFloat32));
      if (need_b) grad_b += g.sum(0);
    }
    ctx->saved_data["grad_h"] = grad_h;
    ctx->saved_data["grad_w"] = need_w ? grad_w.to(weight.scalar_type()) : grad_w;
    ctx->saved_data["grad_b"] = need_b ? grad_b.to(bias.scalar_type()) : grad_b;
    return loss_sum / static_cast<double>(M);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_out) {
    const torch::Tensor& go = grad_out[0];
    auto scaled = [&](const char* key) {
      torch::Tensor g = ctx->saved_data[key].toTensor();
      return g.defined() ? g * go.to(g.scalar_type()) : g;
    };
    return {scaled("grad_h"), scaled("grad_w"), scaled("grad_b"), torch::Tensor(), torch::Tensor(),
            torch::Tensor()};
  }
};

}  // namespace

torch::Tensor linear_cross_entropy(const torch::Tensor& hidden, const torch::Tensor& weight,
                                   const torch::Tensor& bias, const torch::Tensor& target,
                                   int64_t chunk_bytes) {
  // Equal chunks, as few as the budget allows: the head GEMM runs fastest on many rows at once
  // (every chunk re-reads the whole [V, D] weight).
  const int64_t M = hidden.size(0), vocab = weight.size(0);
  const int64_t per_chunk = std::max<int64_t>(1, chunk_bytes / (vocab * 4));
  const int64_t chunks = std::max<int64_t>(1, (M + per_chunk - 1) / per_chunk);
  const int64_t chunk_rows = std::max<int64_t>(1, (M + chunks - 1) / chunks);
  torch::Tensor bias_or_empty = bias.defined() ? bias : torch::empty({0}, weight.options());
  return LinearCrossEntropy::apply(hidden, weight, bias_or_empty, target, chunk_rows,
                                   torch::GradMode::is_enabled());
}

}  // namespace vlmforge
