// Phi-1 / Phi-1.5 / Phi-2: one LayerNorm per block feeding attention and MLP in parallel
// (x + attn(ln(x)) + mlp(ln(x))), q/k/v/dense and fc1/fc2 with bias, tanh-GELU, partial rotary
// (first head_dim * partial_rotary_factor dims), final LayerNorm, lm_head with bias.
#include "models/core/error.h"
#include "models/text/text_config.h"

namespace vlmforge {

TextConfig phi_config(const HfConfig& hf) {
  TextConfig c;
  // PhiConfig defaults (transformers).
  read_common_text_fields(hf, TextDefaults{51200, 2048, 8192, 24, 32, 0, 2048, 10000.0}, c);
  if (!hf.has("partial_rotary_factor") &&
      !(hf.has("rope_parameters") && hf.j["rope_parameters"].contains("partial_rotary_factor")))
    c.partial_rotary_factor = 0.5;  // PhiConfig default
  c.norm = Norm::Kind::layer;
  c.norm_eps = hf.get_double("layer_norm_eps", 1e-5);
  c.qkv_bias = c.o_bias = true;
  c.gated_mlp = false;
  c.mlp_bias = true;
  c.act = parse_activation(hf.get_string("hidden_act", "gelu_new"), hf.source + ": hidden_act");
  c.parallel_residual = true;
  c.lm_head_bias = true;
  if (hf.get_bool("qk_layernorm", false))
    throw Error("Phi with qk_layernorm is not supported", hf.source + ": qk_layernorm");
  TextNames n;
  n.o = "dense";
  n.final_norm = "model.final_layernorm";
  c.names = n;
  return c;
}

}  // namespace vlmforge
