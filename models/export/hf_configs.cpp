#include "models/export/hf_configs.h"

#include "models/core/error.h"

namespace vlmforge {

using nlohmann::json;

std::string hf_activation_name(Activation act, const std::string& model_type) {
  switch (act) {
    case Activation::gelu_erf: return "gelu";
    case Activation::gelu_tanh: return model_type == "phi" ? "gelu_new" : "gelu_pytorch_tanh";
    case Activation::silu: return "silu";
    case Activation::relu: return "relu";
  }
  throw Error("activation without an HF name", "export");
}

std::string hf_dtype_name(torch::ScalarType t) {
  switch (t) {
    case torch::kFloat32: return "float32";
    case torch::kBFloat16: return "bfloat16";
    case torch::kFloat16: return "float16";
    default: break;
  }
  throw Error(std::string("cannot export weights as ") + c10::toString(t), "export.dtype",
              "use fp32, bf16 or fp16");
}

namespace {

// Checks that a family's fixed layout matches what the model computes, so the config we write
// cannot silently describe a different network.
void require(bool ok, const TextConfig& c, const std::string& what) {
  if (!ok)
    throw Error(c.architecture + " model with " + what + " is not expressible as its HF config",
                "export: text_config");
}

}  // namespace

json hf_text_config(const TextConfig& c) {
  json j = {{"architectures", {c.architecture}},
            {"model_type", c.model_type},
            {"vocab_size", c.vocab_size},
            {"hidden_size", c.hidden_size},
            {"intermediate_size", c.intermediate_size},
            {"num_hidden_layers", c.num_layers},
            {"num_attention_heads", c.num_heads},
            {"num_key_value_heads", c.num_kv_heads},
            {"max_position_embeddings", c.max_position_embeddings},
            {"hidden_act", hf_activation_name(c.act, c.model_type)},
            {"tie_word_embeddings", c.tie_word_embeddings},
            {"rope_theta", c.rope_theta},
            {"attention_dropout", 0.0}};
  if (c.head_dim != c.hidden_size / c.num_heads) j["head_dim"] = c.head_dim;
  json rope = {{"rope_type", c.rope_scaling.type}, {"rope_theta", c.rope_theta}};
  if (c.rope_scaling.type == "llama3") {
    json s = {{"rope_type", "llama3"},
              {"factor", c.rope_scaling.factor},
              {"low_freq_factor", c.rope_scaling.low_freq_factor},
              {"high_freq_factor", c.rope_scaling.high_freq_factor},
              {"original_max_position_embeddings", c.rope_scaling.original_max_position_embeddings}};
    j["rope_scaling"] = s;
    rope.update(s);
  }
  const bool norm_is_rms = c.norm == Norm::Kind::rms;
  if (c.model_type == "qwen2") {
    require(norm_is_rms && c.qkv_bias && !c.o_bias && c.gated_mlp && !c.mlp_bias &&
                !c.parallel_residual && !c.lm_head_bias && c.partial_rotary_factor == 1.0,
            c, "a non-Qwen2 layout");
    j["rms_norm_eps"] = c.norm_eps;
    j["use_sliding_window"] = false;
  } else if (c.model_type == "llama") {
    require(norm_is_rms && c.qkv_bias == c.o_bias && c.gated_mlp && !c.parallel_residual &&
                !c.lm_head_bias && c.partial_rotary_factor == 1.0,
            c, "a non-Llama layout");
    j["rms_norm_eps"] = c.norm_eps;
    j["attention_bias"] = c.qkv_bias;
    j["mlp_bias"] = c.mlp_bias;
  } else if (c.model_type == "phi") {
    // lm_head_bias is the exporter's business (LmHeadBias); the text model itself is PhiModel.
    require(!norm_is_rms && c.qkv_bias && c.o_bias && !c.gated_mlp && c.mlp_bias &&
                c.parallel_residual,
            c, "a non-Phi layout");
    j["layer_norm_eps"] = c.norm_eps;
    j["partial_rotary_factor"] = c.partial_rotary_factor;
    j["qk_layernorm"] = false;
    j["resid_pdrop"] = 0.0;
    j["embd_pdrop"] = 0.0;
    rope["partial_rotary_factor"] = c.partial_rotary_factor;
  } else {
    throw Error("no HF config writer for model_type '" + c.model_type + "'", "export: text_config",
                "supported: qwen2, llama, phi");
  }
  j["rope_parameters"] = rope;
  return j;
}

json hf_siglip_vision_config(const SiglipConfig& c) {
  return {{"model_type", "siglip_vision_model"},
          {"hidden_size", c.hidden_size},
          {"intermediate_size", c.intermediate_size},
          {"num_hidden_layers", c.num_layers},
          {"num_attention_heads", c.num_heads},
          {"num_channels", c.num_channels},
          {"image_size", c.image_size},
          {"patch_size", c.patch_size},
          {"layer_norm_eps", c.layer_norm_eps},
          {"hidden_act", hf_activation_name(c.act, "siglip_vision_model")},
          {"attention_dropout", 0.0},
          {"vision_use_head", false}};
}

}  // namespace vlmforge
