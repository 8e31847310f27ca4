#include "models/projector.h"

#include "models/core/error.h"

namespace vlmforge {

void check_projector_type(const std::string& type, const std::string& where) {
  if (type != "mlp2x_gelu" && type != "moondream1")
    throw Error("unknown projector type '" + type + "'", where, "use mlp2x_gelu or moondream1");
}

Projector::Projector(const ProjectorConfig& c, const torch::TensorOptions& opts) : config(c) {
  check_projector_type(c.type, "model.projector");
  if (c.type == "mlp2x_gelu") {
    mlp1 = Mlp(c.vision_hidden, c.text_hidden, c.text_hidden, c.bias, c.act, opts, "linear_1",
               "linear_2");
  } else {
    const int64_t h = c.mlp_hidden > 0 ? c.mlp_hidden : 4 * c.text_hidden;
    mlp1 = Mlp(c.vision_hidden, h, c.text_hidden, true, Activation::gelu_tanh, opts);
    ln = LayerNorm(c.text_hidden, 1e-5, opts);
    mlp2 = Mlp(c.text_hidden, h, c.text_hidden, true, Activation::gelu_tanh, opts);
  }
}

torch::Tensor Projector::forward(const torch::Tensor& x) const {
  if (config.type == "mlp2x_gelu") return mlp1.forward(x);
  torch::Tensor y = ln.forward(mlp1.forward(x));
  return y + mlp2.forward(y);
}

void Projector::collect(const std::string& prefix, ParamList& out) {
  if (config.type == "mlp2x_gelu") {
    mlp1.collect(prefix, out);
    return;
  }
  mlp1.collect(join_name(prefix, "mlp1"), out);
  ln.collect(join_name(prefix, "ln"), out);
  mlp2.collect(join_name(prefix, "mlp2"), out);
}

void Projector::linears(const std::string& prefix, LinearList& out) {
  if (config.type == "mlp2x_gelu") {
    mlp1.linears(prefix, out);
    return;
  }
  mlp1.linears(join_name(prefix, "mlp1"), out);
  mlp2.linears(join_name(prefix, "mlp2"), out);
}

}  // namespace vlmforge
