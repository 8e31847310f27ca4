// Vision -> language projectors, HF names under "multi_modal_projector":
//   mlp2x_gelu (LLaVA): linear_1 (D_v -> D_l) -> GELU -> linear_2 (D_l -> D_l), with bias.
//   moondream1:         y = ln(mlp1(x)); y + mlp2(y), each MLP fc1 -> tanh-GELU -> fc2 with
//                       hidden 4 * D_l (moondream1: 1152 -> 8192 -> 2048, LayerNorm, residual).
#pragma once

#include "models/layers/mlp.h"
#include "models/layers/norm.h"

#include <string>

namespace vlmforge {

struct ProjectorConfig {
  std::string type = "mlp2x_gelu";  // "mlp2x_gelu" | "moondream1"
  int64_t vision_hidden = 0;
  int64_t text_hidden = 0;
  int64_t mlp_hidden = 0;  // moondream1 only; 0 = 4 * text_hidden
  Activation act = Activation::gelu_erf;  // mlp2x_gelu activation (LLaVA projector_hidden_act)
  bool bias = true;
};

class Projector {
 public:
  Projector(const ProjectorConfig& config, const torch::TensorOptions& opts);
  torch::Tensor forward(const torch::Tensor& x) const;  // [..., D_v] -> [..., D_l]
  void collect(const std::string& prefix, ParamList& out);
  void linears(const std::string& prefix, LinearList& out);

  ProjectorConfig config;
  Mlp mlp1;       // mlp2x_gelu: linear_1/linear_2; moondream1: mlp1.fc1/fc2
  LayerNorm ln;   // moondream1
  Mlp mlp2;       // moondream1
};

// Throws naming the value when `type` is not a known projector.
void check_projector_type(const std::string& type, const std::string& where);

}  // namespace vlmforge
