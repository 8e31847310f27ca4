#include "models/layers/linear.h"

namespace vlmforge {

Linear::Linear(const std::string& name, int64_t in_features, int64_t out_features, bool has_bias,
               const torch::TensorOptions& opts)
    : Linear(std::vector<std::pair<std::string, int64_t>>{{name, out_features}}, in_features,
             has_bias, opts) {}

Linear::Linear(const std::vector<std::pair<std::string, int64_t>>& part_sizes, int64_t in_features,
               bool has_bias, const torch::TensorOptions& opts) {
  int64_t total = 0;
  for (const auto& [name, rows] : part_sizes) {
    parts.push_back({name, total, rows, nullptr});
    total += rows;
  }
  weight = torch::zeros({total, in_features}, opts);
  if (has_bias) bias = torch::zeros({total}, opts);
}

torch::Tensor Linear::forward(const torch::Tensor& x) const {
  torch::Tensor y = torch::nn::functional::linear(x, weight, bias);
  bool any_adapter = false;
  for (const auto& p : parts) any_adapter |= static_cast<bool>(p.adapter);
  if (!any_adapter) return y;
  // Low-rank adapters: y += [h_1 .. h_k] · blockdiag(B_1 .. B_k)^T in one addmm, where parts
  // without an adapter contribute a zero-width block. One GEMM into the base output instead of a
  // slice + add per part and a concatenation of the pieces (which costs a full copy of y forward
  // and backward).
  const torch::Tensor x2d = x.reshape({-1, x.size(-1)});
  std::vector<torch::Tensor> projected, ups;
  for (const auto& p : parts) {
    if (!p.adapter) {
      ups.push_back(torch::zeros({p.rows, 0}, weight.options()));
      continue;
    }
    torch::Tensor h, up;
    if (!p.adapter->low_rank(x2d, &h, &up)) {
      projected.clear();
      break;
    }
    projected.push_back(h);
    ups.push_back(up);
  }
  if (!projected.empty()) {
    torch::Tensor h = projected.size() == 1 ? projected[0] : torch::cat(projected, -1);  // [N, R]
    torch::Tensor up = ups.size() == 1 ? ups[0] : torch::block_diag(ups);              // [out, R]
    return torch::addmm(y.view({-1, y.size(-1)}), h, up.t()).view(y.sizes());
  }
  if (parts.size() == 1) return y + parts[0].adapter->forward(x);
  std::vector<torch::Tensor> pieces;
  for (const auto& p : parts) {
    torch::Tensor piece = y.narrow(-1, p.offset, p.rows);
    pieces.push_back(p.adapter ? piece + p.adapter->forward(x) : piece);
  }
  return torch::cat(pieces, -1);
}

void Linear::collect(const std::string& prefix, ParamList& out) {
  const bool whole = parts.size() == 1;
  for (const auto& p : parts) {
    const std::string name = join_name(prefix, p.name);
    out.push_back({name + ".weight", &weight, whole ? 0 : p.offset, whole ? -1 : p.rows});
    if (bias.defined())
      out.push_back({name + ".bias", &bias, whole ? 0 : p.offset, whole ? -1 : p.rows});
    if (p.adapter) p.adapter->collect(name, out);
  }
}

void collect_linears(const std::string& prefix, Linear& linear, LinearList& out) {
  for (size_t i = 0; i < linear.parts.size(); ++i)
    out.push_back({join_name(prefix, linear.parts[i].name), &linear, i});
}

void init_normal(Linear& linear, double std) {
  torch::NoGradGuard no_grad;
  linear.weight.normal_(0.0, std);
  if (linear.bias.defined()) linear.bias.zero_();
}

}  // namespace vlmforge
