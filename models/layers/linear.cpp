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

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// y = x W^T + b with W and b frozen, whose input gradient is wanted on some rows of x only:
// backward multiplies just those rows of dy by W and leaves the other rows of dx zero.
struct FrozenLinearRowsGrad : torch::autograd::Function<FrozenLinearRowsGrad> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x2d,
                               const torch::Tensor& weight, const torch::Tensor& bias_or_empty,
                               const torch::Tensor& rows) {
    ctx->save_for_backward({weight, rows});
    ctx->saved_data["rows_of_x"] = x2d.size(0);
    ctx->saved_data["x_dtype"] = x2d.scalar_type();
    return torch::nn::functional::linear(x2d, weight,
                                         bias_or_empty.numel() ? bias_or_empty : torch::Tensor());
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_out) {
    const auto saved = ctx->get_saved_variables();
    const torch::Tensor& dy = grad_out[0];
    // Under autocast dy comes in the compute dtype; the GEMM runs in it, as autocast's would.
    const torch::Tensor w = saved[0].scalar_type() == dy.scalar_type() ? saved[0] : saved[0].to(dy.scalar_type());
    torch::Tensor dx = torch::zeros({ctx->saved_data["rows_of_x"].toInt(), w.size(1)}, dy.options());
    dx.index_copy_(0, saved[1], dy.index_select(0, saved[1]).mm(w));
    return {dx.to(ctx->saved_data["x_dtype"].toScalarType()), torch::Tensor(), torch::Tensor(),
            torch::Tensor()};
  }
};

}  // namespace

torch::Tensor Linear::forward(const torch::Tensor& x, const torch::Tensor* input_grad_rows) const {
  // 2-D throughout (the same GEMM F::linear runs on a contiguous [..., in] input), so adapters
  // can add into a plain, non-view output in place.
  const torch::Tensor x2d = x.reshape({-1, x.size(-1)});
  auto out_shape = x.sizes().vec();
  out_shape.back() = weight.size(0);
  const bool frozen = !weight.requires_grad() && !(bias.defined() && bias.requires_grad());
  torch::Tensor y;
  if (input_grad_rows && frozen && x2d.requires_grad() && torch::GradMode::is_enabled())
    y = FrozenLinearRowsGrad::apply(x2d, weight, bias.defined() ? bias : torch::empty({0}, weight.options()),
                                    *input_grad_rows);
  else
    y = torch::nn::functional::linear(x2d, weight, bias);
  bool any_adapter = false;
  for (const auto& p : parts) any_adapter |= static_cast<bool>(p.adapter);
  if (!any_adapter) return y.view(out_shape);
  // Low-rank adapters: y += [h_1 .. h_k] · blockdiag(B_1 .. B_k)^T in one addmm into the base
  // output, in place, where parts without an adapter contribute a zero-width block. No per-part
  // slice + add, no concatenation of the pieces, no second [N, out] buffer (which cost a full
  // copy of y forward and backward).
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
    // In-place ops are not autocast: bring both factors to the output's dtype (bf16 under
    // autocast, where the out-of-place addmm would have cast them the same way).
    if (h.scalar_type() != y.scalar_type()) h = h.to(y.scalar_type());
    if (up.scalar_type() != y.scalar_type()) up = up.to(y.scalar_type());
    return y.addmm_(h, up.t()).view(out_shape);
  }
  y = y.view(out_shape);
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
