#include "models/layers/lora.h"

#include <cmath>
#include <regex>

#include "models/core/error.h"

namespace vlmforge {

double LoraSpec::scaling() const {
  return rslora ? alpha / std::sqrt(static_cast<double>(r)) : alpha / static_cast<double>(r);
}

LoraAdapter::LoraAdapter(int64_t in_features, int64_t out_features, const LoraSpec& s,
                         const torch::TensorOptions& opts)
    : spec(s) {
  A = torch::zeros({s.r, in_features}, opts);
  B = torch::zeros({out_features, s.r}, opts);
}

torch::Tensor LoraAdapter::forward(const torch::Tensor& x) {
  torch::Tensor h = x;
  if (training && spec.dropout > 0) h = torch::dropout(h, spec.dropout, /*train=*/true);
  namespace F = torch::nn::functional;
  return F::linear(F::linear(h, A), B) * spec.scaling();
}

bool LoraAdapter::low_rank(const torch::Tensor& x2d, torch::Tensor* projected, torch::Tensor* up) {
  torch::Tensor h = x2d;
  if (training && spec.dropout > 0) h = torch::dropout(h, spec.dropout, /*train=*/true);
  // The scaling goes on the [N, r] projection (cheap) rather than on the [N, out] delta.
  *projected = torch::nn::functional::linear(h, A) * spec.scaling();
  *up = B;
  return true;
}

void LoraAdapter::collect(const std::string& linear_name, ParamList& out) {
  out.push_back({join_name(linear_name, "lora_A.weight"), &A});
  out.push_back({join_name(linear_name, "lora_B.weight"), &B});
}

torch::Tensor LoraAdapter::delta() const {
  return (torch::matmul(B.to(torch::kFloat32), A.to(torch::kFloat32)) * spec.scaling()).to(A.dtype());
}

std::vector<std::string> apply_lora(LinearList& linears, const std::string& target,
                                    const LoraSpec& spec, torch::Generator generator) {
  if (spec.r <= 0) throw Error("LoRA rank must be positive, got " + std::to_string(spec.r), "lora.r");
  std::regex re;
  try {
    re = std::regex(target);
  } catch (const std::regex_error& e) {
    throw Error(std::string("invalid regex: ") + e.what(), "lora.target", target);
  }
  std::vector<std::string> wrapped;
  torch::NoGradGuard no_grad;
  for (auto& nl : linears) {
    if (!std::regex_match(nl.name, re)) continue;
    LinearPart& part = nl.get();
    auto opts = nl.linear->weight.options().requires_grad(false);
    auto adapter = std::make_shared<LoraAdapter>(nl.linear->in_features(), part.rows, spec, opts);
    // PEFT: nn.init.kaiming_uniform_(A, a=sqrt(5)) -> U(-1/sqrt(in), 1/sqrt(in)); B = 0.
    const double bound = 1.0 / std::sqrt(static_cast<double>(nl.linear->in_features()));
    adapter->A.uniform_(-bound, bound, generator);
    part.adapter = adapter;
    wrapped.push_back(nl.name);
  }
  if (wrapped.empty())
    throw Error("LoRA target regex matched no linear layer", "lora.target",
                "names look like '" + (linears.empty() ? std::string("?") : linears.front().name) + "'");
  return wrapped;
}

namespace {
template <class F>
void for_each_lora(LinearList& linears, F&& f) {
  for (auto& nl : linears) {
    auto lora = std::dynamic_pointer_cast<LoraAdapter>(nl.get().adapter);
    if (lora) f(nl, *lora);
  }
}
}  // namespace

void merge_lora(LinearList& linears) {
  torch::NoGradGuard no_grad;
  for_each_lora(linears, [](NamedLinear& nl, LoraAdapter& lora) {
    LinearPart& part = nl.get();
    torch::Tensor rows = nl.linear->weight.narrow(0, part.offset, part.rows);
    rows.copy_((rows.to(torch::kFloat32) + lora.delta().to(torch::kFloat32)).to(rows.dtype()));
  });
  for (auto& nl : linears)
    if (std::dynamic_pointer_cast<LoraAdapter>(nl.get().adapter)) nl.get().adapter.reset();
}

void unmerge_lora(LinearList& linears) {
  torch::NoGradGuard no_grad;
  for_each_lora(linears, [](NamedLinear& nl, LoraAdapter& lora) {
    LinearPart& part = nl.get();
    torch::Tensor rows = nl.linear->weight.narrow(0, part.offset, part.rows);
    rows.copy_((rows.to(torch::kFloat32) - lora.delta().to(torch::kFloat32)).to(rows.dtype()));
  });
}

void set_lora_training(LinearList& linears, bool training) {
  for_each_lora(linears, [training](NamedLinear&, LoraAdapter& lora) { lora.training = training; });
}

}  // namespace vlmforge
