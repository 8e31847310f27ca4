// The small model and data shared by the distributed workers and the single-process reference:
// an MLP 8 -> 32 -> 32 -> 4 with tanh, MSE loss, fp32. Plain LibTorch, no vlmforge code.
#pragma once

#include <torch/torch.h>

#include <fstream>
#include <string>
#include <vector>

namespace dist_test {

struct TinyMlp {
  std::vector<torch::Tensor> params;  // w1 b1 w2 b2 w3 b3

  explicit TinyMlp(int64_t seed) {
    torch::manual_seed(seed);
    const int64_t dims[] = {8, 32, 32, 4};
    for (int l = 0; l < 3; ++l) {
      params.push_back((torch::randn({dims[l + 1], dims[l]}) / std::sqrt(double(dims[l])))
                           .requires_grad_());
      params.push_back((torch::randn({dims[l + 1]}) * 0.1).requires_grad_());
    }
  }
  torch::Tensor forward(const torch::Tensor& x) const {  // [N, 8] -> [N, 4]
    auto h = torch::tanh(torch::nn::functional::linear(x, params[0], params[1]));
    h = torch::tanh(torch::nn::functional::linear(h, params[2], params[3]));
    return torch::nn::functional::linear(h, params[4], params[5]);
  }
};

// The global batch of step `step`: x [n, 8], y [n, 4]; identical in every process.
inline std::pair<torch::Tensor, torch::Tensor> global_batch(int64_t step, int64_t n) {
  auto gen = torch::make_generator<torch::CPUGeneratorImpl>(1000 + step);
  auto x = torch::randn({n, 8}, gen);
  auto y = torch::sin(x.narrow(1, 0, 4) * 2) + 0.1 * torch::randn({n, 4}, gen);
  return {x, y};
}

inline torch::Tensor flatten(const std::vector<torch::Tensor>& ts, bool grads) {
  std::vector<torch::Tensor> parts;
  for (const auto& t : ts) parts.push_back((grads ? t.grad() : t).detach().reshape(-1));
  return torch::cat(parts);
}

inline void write_floats(const std::string& path, const torch::Tensor& t) {
  auto c = t.contiguous().to(torch::kFloat32);
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(c.data_ptr<float>()), c.numel() * sizeof(float));
}

inline torch::Tensor read_floats(const std::string& path) {
  std::ifstream f(path, std::ios::binary | std::ios::ate);
  if (!f) return {};
  const auto bytes = static_cast<int64_t>(f.tellg());
  auto t = torch::empty({bytes / int64_t(sizeof(float))}, torch::kFloat32);
  f.seekg(0);
  f.read(reinterpret_cast<char*>(t.data_ptr<float>()), bytes);
  return t;
}

// Plain LibTorch on the whole global batch: grads of step 0 and weights after `steps` SGD steps.
inline std::pair<torch::Tensor, torch::Tensor> reference(int64_t steps, int64_t global, double lr) {
  TinyMlp model(100);  // rank 0's initialisation, which the broadcast spreads
  torch::Tensor grads0;
  for (int64_t step = 0; step < steps; ++step) {
    auto [x, y] = global_batch(step, global);
    torch::mse_loss(model.forward(x), y).backward();
    if (step == 0) grads0 = flatten(model.params, true).clone();
    torch::NoGradGuard ng;
    for (auto& p : model.params) {
      p.sub_(p.grad() * lr);
      p.mutable_grad().zero_();
    }
  }
  return {grads0, flatten(model.params, false)};
}

}  // namespace dist_test
