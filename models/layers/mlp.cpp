#include "models/layers/mlp.h"

#include "models/core/error.h"

namespace vlmforge {

Activation parse_activation(const std::string& name, const std::string& where) {
  if (name == "gelu") return Activation::gelu_erf;
  if (name == "gelu_new" || name == "gelu_pytorch_tanh") return Activation::gelu_tanh;
  if (name == "silu" || name == "swish") return Activation::silu;
  if (name == "relu") return Activation::relu;
  throw Error("unsupported activation '" + name + "'", where,
              "supported: gelu, gelu_new, gelu_pytorch_tanh, silu, relu");
}

torch::Tensor activate(Activation a, const torch::Tensor& x) {
  switch (a) {
    case Activation::gelu_erf: return at::gelu(x, "none");
    case Activation::gelu_tanh: return at::gelu(x, "tanh");
    case Activation::silu: return at::silu(x);
    case Activation::relu: return at::relu(x);
  }
  return x;
}

Mlp::Mlp(int64_t in, int64_t hidden, int64_t out, bool bias, Activation a,
         const torch::TensorOptions& opts, const std::string& fc1_name,
         const std::string& fc2_name)
    : fc1(fc1_name, in, hidden, bias, opts), fc2(fc2_name, hidden, out, bias, opts), act(a) {}

GatedMlp::GatedMlp(int64_t dim, int64_t hidden_, bool bias, Activation a,
                   const torch::TensorOptions& opts)
    : gate_up({{"gate_proj", hidden_}, {"up_proj", hidden_}}, dim, bias, opts),
      down("down_proj", hidden_, dim, bias, opts),
      act(a),
      hidden(hidden_) {}

torch::Tensor GatedMlp::forward(const torch::Tensor& x) const {
  torch::Tensor gu = gate_up.forward(x);  // [..., 2 * hidden]
  auto gate_and_up = gu.split(hidden, -1);  // split: one concatenation in backward, no zero fills
  return down.forward(activate(act, gate_and_up[0]) * gate_and_up[1]);
}

}  // namespace vlmforge
