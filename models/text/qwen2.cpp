// Qwen2 / Qwen2.5 (incl. Coder, RuQwen2.5, RuadaptQwen2.5): RMSNorm pre-norm blocks, GQA with
// q/k/v bias and o without, SiLU-gated MLP without bias, rope_theta from the config, embeddings
// tied when `tie_word_embeddings` (0.5B/1.5B).
#include "models/core/error.h"
#include "models/text/text_config.h"

namespace vlmforge {

TextConfig qwen2_config(const HfConfig& hf) {
  TextConfig c;
  // Qwen2Config defaults (transformers).
  read_common_text_fields(hf, TextDefaults{151936, 4096, 22016, 32, 32, 32, 32768, 10000.0}, c);
  c.norm = Norm::Kind::rms;
  c.norm_eps = hf.get_double("rms_norm_eps", 1e-6);
  c.qkv_bias = true;
  c.o_bias = false;
  c.gated_mlp = true;
  c.mlp_bias = false;
  c.act = parse_activation(hf.get_string("hidden_act", "silu"), hf.source + ": hidden_act");
  if (hf.get_bool("use_sliding_window", false))
    throw Error("sliding-window attention is not supported", hf.source + ": use_sliding_window");
  // HF names (TextNames defaults are Qwen2's / Llama's).
  c.names = TextNames{};
  return c;
}

}  // namespace vlmforge
