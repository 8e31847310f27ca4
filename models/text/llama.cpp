// Llama 2 / 3 (and llava-saiga-8b's backbone): RMSNorm pre-norm blocks, GQA, optional attention
// and MLP bias (`attention_bias`, `mlp_bias`), SiLU-gated MLP, RoPE with optional llama3 scaling.
#include "models/core/error.h"
#include "models/text/text_config.h"

namespace vlmforge {

TextConfig llama_config(const HfConfig& hf) {
  TextConfig c;
  // LlamaConfig defaults (transformers).
  read_common_text_fields(hf, TextDefaults{32000, 4096, 11008, 32, 32, 0, 2048, 10000.0}, c);
  c.norm = Norm::Kind::rms;
  c.norm_eps = hf.get_double("rms_norm_eps", 1e-6);
  c.qkv_bias = c.o_bias = hf.get_bool("attention_bias", false);
  c.gated_mlp = true;
  c.mlp_bias = hf.get_bool("mlp_bias", false);
  c.act = parse_activation(hf.get_string("hidden_act", "silu"), hf.source + ": hidden_act");
  if (hf.get_int("pretraining_tp", 1) != 1)
    throw Error("pretraining_tp != 1 is not supported", hf.source + ": pretraining_tp");
  c.names = TextNames{};
  return c;
}

}  // namespace vlmforge
