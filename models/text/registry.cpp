// Architecture registry: adding a text family is one row here plus its <family>.cpp.
#include "models/core/error.h"
#include "models/text/text_config.h"

namespace vlmforge {

namespace {
struct TextArch {
  const char* architecture;  // HF class in config.json "architectures"
  const char* model_type;    // config.json "model_type"
  TextConfig (*build)(const HfConfig&);
};

const TextArch kTextArchs[] = {
    {"Qwen2ForCausalLM", "qwen2", qwen2_config},
    {"PhiForCausalLM", "phi", phi_config},
    {"LlamaForCausalLM", "llama", llama_config},
};
}  // namespace

std::vector<std::string> supported_text_architectures() {
  std::vector<std::string> v;
  for (const auto& a : kTextArchs) v.push_back(a.architecture);
  return v;
}

TextConfig text_config_from_hf(const HfConfig& hf) {
  const std::string arch = hf.architecture();
  const std::string type = hf.get_string("model_type", "");
  for (const auto& a : kTextArchs)
    if ((!arch.empty() && arch == a.architecture) || (arch.empty() && type == a.model_type)) {
      TextConfig c = a.build(hf);
      c.architecture = a.architecture;
      c.model_type = a.model_type;
      return c;
    }
  std::string list;
  for (const auto& a : kTextArchs) list += (list.empty() ? "" : ", ") + std::string(a.architecture);
  throw Error("unsupported architecture '" + (arch.empty() ? "model_type=" + type : arch) + "'",
              hf.source, "supported: " + list);
}

void read_common_text_fields(const HfConfig& hf, const TextDefaults& d, TextConfig& c) {
  c.vocab_size = hf.get_int("vocab_size", d.vocab_size);
  c.hidden_size = hf.get_int("hidden_size", d.hidden_size);
  c.intermediate_size = hf.get_int("intermediate_size", d.intermediate_size);
  c.num_layers = hf.get_int("num_hidden_layers", d.num_layers);
  c.num_heads = hf.get_int("num_attention_heads", d.num_heads);
  c.num_kv_heads = hf.get_int("num_key_value_heads", d.num_kv_heads > 0 ? d.num_kv_heads : c.num_heads);
  if (c.num_heads <= 0 || (!hf.has("head_dim") && c.hidden_size % c.num_heads != 0))
    throw Error("hidden_size must be a multiple of num_attention_heads (or head_dim given)",
                hf.source);
  c.head_dim = hf.get_int("head_dim", c.hidden_size / c.num_heads);
  if (c.num_kv_heads <= 0 || c.num_heads % c.num_kv_heads != 0)
    throw Error("num_attention_heads must be a multiple of num_key_value_heads", hf.source);
  c.max_position_embeddings = hf.get_int("max_position_embeddings", d.max_position_embeddings);
  c.rope_theta = hf.rope_param("rope_theta", d.rope_theta);
  c.partial_rotary_factor = hf.rope_param("partial_rotary_factor", 1.0);
  c.tie_word_embeddings = hf.get_bool("tie_word_embeddings", false);
  // Scaled RoPE variants: "rope_scaling" (older configs) or "rope_parameters" (transformers 5).
  for (const char* key : {"rope_scaling", "rope_parameters"}) {
    if (!hf.has(key) || !hf.j[key].is_object()) continue;
    const json& r = hf.j[key];
    std::string type = r.value("rope_type", r.value("type", std::string("default")));
    if (type == "default") continue;
    if (type != "llama3")
      throw Error("unsupported RoPE scaling '" + type + "'", hf.source + ":" + key,
                  "supported: default, llama3");
    c.rope_scaling.type = type;
    c.rope_scaling.factor = r.value("factor", 1.0);
    c.rope_scaling.low_freq_factor = r.value("low_freq_factor", 1.0);
    c.rope_scaling.high_freq_factor = r.value("high_freq_factor", 4.0);
    c.rope_scaling.original_max_position_embeddings =
        r.value("original_max_position_embeddings", int64_t{8192});
  }
}

}  // namespace vlmforge
