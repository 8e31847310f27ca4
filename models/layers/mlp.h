// Feed-forward blocks: the two-layer MLP (fc1 -> activation -> fc2) of Phi, SigLIP and the LLaVA
// projector, and the SiLU-gated MLP (down(silu(gate x) * up x)) of Qwen2/Llama with gate/up fused.
#pragma once

#include "models/layers/linear.h"

namespace vlmforge {

enum class Activation { gelu_erf, gelu_tanh, silu, relu };

// HF `hidden_act` / `projector_hidden_act` names; throws naming the value if unknown.
Activation parse_activation(const std::string& hf_name, const std::string& where);
torch::Tensor activate(Activation a, const torch::Tensor& x);

struct Mlp {
  Mlp() = default;
  Mlp(int64_t in, int64_t hidden, int64_t out, bool bias, Activation act,
      const torch::TensorOptions& opts, const std::string& fc1_name = "fc1",
      const std::string& fc2_name = "fc2");
  // `input_grad_rows`: see Linear::forward.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor* input_grad_rows = nullptr) const {
    return fc2.forward(activate(act, fc1.forward(x, input_grad_rows)));
  }
  void collect(const std::string& prefix, ParamList& out) {
    fc1.collect(prefix, out);
    fc2.collect(prefix, out);
  }
  void linears(const std::string& prefix, LinearList& out) {
    collect_linears(prefix, fc1, out);
    collect_linears(prefix, fc2, out);
  }

  Linear fc1, fc2;
  Activation act = Activation::gelu_tanh;
};

struct GatedMlp {
  GatedMlp() = default;
  GatedMlp(int64_t dim, int64_t hidden, bool bias, Activation act,
           const torch::TensorOptions& opts);
  torch::Tensor forward(const torch::Tensor& x) const;
  void collect(const std::string& prefix, ParamList& out) {
    gate_up.collect(prefix, out);
    down.collect(prefix, out);
  }
  void linears(const std::string& prefix, LinearList& out) {
    collect_linears(prefix, gate_up, out);
    collect_linears(prefix, down, out);
  }

  Linear gate_up;  // parts gate_proj, up_proj: [2 * hidden, dim]
  Linear down;     // down_proj: [dim, hidden]
  Activation act = Activation::silu;
  int64_t hidden = 0;
};

}  // namespace vlmforge
