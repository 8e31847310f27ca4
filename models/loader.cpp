#include "models/loader.h"

#include "models/core/error.h"
#include "models/io/safetensors.h"
#include "models/io/weights.h"

#include <filesystem>
#include <sstream>

namespace vlmforge {

namespace fs = std::filesystem;

torch::ScalarType parse_dtype(const std::string& name, const std::string& where) {
  if (name == "fp32" || name == "float32") return torch::kFloat32;
  if (name == "bf16" || name == "bfloat16") return torch::kBFloat16;
  if (name == "fp16" || name == "float16") return torch::kFloat16;
  throw Error("unknown dtype '" + name + "'", where, "use fp32, bf16 or fp16");
}

namespace {

std::string config_path(const std::string& dir) {
  if (fs::is_regular_file(dir)) return dir;
  const std::string p = (fs::path(dir) / "config.json").string();
  if (!fs::exists(p)) throw Error("no config.json", dir, "expected a Hugging Face model folder");
  return p;
}

TensorSource open_weights(const std::string& dir) {
  return TensorSource::from_reader(
      std::make_shared<SafetensorsReader>(SafetensorsReader::open(dir)));
}

torch::TensorOptions opts_for(torch::ScalarType dtype) {
  return torch::TensorOptions().dtype(dtype);
}

// The first prefix under which `probe` exists in the checkpoint; throws listing the candidates.
std::string find_prefix(const TensorSource& src, const std::vector<std::string>& prefixes,
                        const std::string& probe, const std::string& what) {
  for (const auto& p : prefixes)
    if (src.contains(join_name(p, probe))) return p;
  std::string tried;
  for (const auto& p : prefixes) tried += (tried.empty() ? "" : ", ") + join_name(p, probe);
  throw Error("cannot find the " + what + " weights (looked for " + tried + ")", src.origin);
}

int64_t awq_group_size(const HfConfig& hf) {
  if (!hf.has("quantization_config")) return 0;
  const HfConfig q = hf.section("quantization_config");
  const std::string method = q.get_string("quant_method", "");
  if (method != "awq")
    throw Error("unsupported quantization '" + method + "'", q.source, "only AutoAWQ GEMM is supported");
  std::string version = q.get_string("version", "gemm");
  for (char& ch : version) ch = static_cast<char>(std::tolower(ch));
  if (version != "gemm")
    throw Error("unsupported AWQ version '" + version + "'", q.source, "only GEMM packing is supported");
  if (q.get_int("bits", 4) != 4) throw Error("only 4-bit AWQ is supported", q.source);
  if (!q.get_bool("zero_point", true)) throw Error("AWQ without zero points is not supported", q.source);
  return q.get_int("group_size", 128);
}

void init_random(const ParamList& params, int64_t seed, double std) {
  torch::NoGradGuard no_grad;
  torch::manual_seed(static_cast<uint64_t>(seed));
  for (const ParamSlot& s : params) {
    const std::string& n = s.name;
    const bool is_norm = n.find("norm") != std::string::npos || n.find(".ln.") != std::string::npos;
    if (is_norm) continue;  // constructors set norms to weight 1, bias 0
    if (s.storage->dim() >= 2)
      s.view().normal_(0.0, std);
    else
      s.view().zero_();
  }
}

ProjectorConfig projector_config(const std::string& type, int64_t dv, int64_t dl,
                                 Activation act = Activation::gelu_erf) {
  ProjectorConfig p;
  p.type = type;
  p.vision_hidden = dv;
  p.text_hidden = dl;
  p.act = act;
  return p;
}

struct LlavaLayout {
  SiglipConfig vision;
  TextConfig text;
  ProjectorConfig projector;
  int64_t image_token_id = -1;
  int64_t feature_layer = -2;
  bool drop_first = false;
};

LlavaLayout read_llava_config(const HfConfig& hf) {
  LlavaLayout l;
  const HfConfig vc = hf.section("vision_config");
  const std::string vtype = vc.get_string("model_type", "");
  if (vtype != "siglip_vision_model" && vtype != "siglip")
    throw Error("unsupported vision tower '" + vtype + "'", vc.source, "only SigLIP is supported");
  l.vision = SiglipConfig::from_hf(vc);
  l.text = text_config_from_hf(hf.section("text_config"));
  l.text.lm_head_bias = false;  // LlavaForConditionalGeneration's lm_head has no bias
  // transformers ties the LLaVA head when the root or the text config says so.
  l.text.tie_word_embeddings =
      l.text.tie_word_embeddings || hf.get_bool("tie_word_embeddings", false);
  if (!hf.get_bool("multimodal_projector_bias", true))
    throw Error("projector without bias is not supported", hf.source);
  l.projector = projector_config(
      "mlp2x_gelu", l.vision.hidden_size, l.text.hidden_size,
      parse_activation(hf.get_string("projector_hidden_act", "gelu"), hf.source + ": projector_hidden_act"));
  l.image_token_id = hf.has("image_token_index") ? hf.get_int("image_token_index")
                                                  : hf.get_int("image_token_id", 32000);
  if (hf.has("vision_feature_layer") && !hf.j["vision_feature_layer"].is_number_integer())
    throw Error("only a single integer vision_feature_layer is supported", hf.source);
  l.feature_layer = hf.get_int("vision_feature_layer", -2);
  l.drop_first = hf.get_string("vision_feature_select_strategy", "default") == "default";
  return l;
}

std::unique_ptr<VisionLanguageModel> make_vlm(const LlavaLayout& l, const torch::TensorOptions& o) {
  auto m = std::make_unique<VisionLanguageModel>(l.vision, l.projector, l.text, o);
  m->image_token_id = l.image_token_id;
  m->vision_feature_layer = l.feature_layer;
  m->drop_first_image_token = l.drop_first;
  return m;
}

const char* hf_text_class(const std::string& arch) {
  if (arch == "qwen2") return "Qwen2ForCausalLM";
  if (arch == "phi") return "PhiForCausalLM";
  if (arch == "llama") return "LlamaForCausalLM";
  throw Error("unsupported architecture '" + arch + "'", "model.llm.arch", "use qwen2, phi or llama");
}

}  // namespace

json inline_text_config(const LlmModelConfig& c) {
  json j = {{"architectures", {hf_text_class(c.arch)}},
            {"model_type", c.arch},
            {"vocab_size", c.vocab_size},
            {"hidden_size", c.hidden_size},
            {"intermediate_size", c.intermediate_size},
            {"num_hidden_layers", c.num_hidden_layers},
            {"num_attention_heads", c.num_attention_heads},
            {"num_key_value_heads", c.num_key_value_heads},
            {"rope_theta", c.rope_theta},
            {"partial_rotary_factor", c.partial_rotary_factor},
            {"tie_word_embeddings", c.tie_word_embeddings},
            {"max_position_embeddings", 32768}};
  j[c.arch == "phi" ? "layer_norm_eps" : "rms_norm_eps"] = c.norm_eps;
  if (c.arch == "phi") j["hidden_act"] = "gelu_new";
  return j;
}

json inline_vision_config(const VisionModelConfig& c) {
  return {{"model_type", "siglip_vision_model"},
          {"hidden_size", c.hidden_size},
          {"intermediate_size", c.intermediate_size},
          {"num_hidden_layers", c.num_hidden_layers},
          {"num_attention_heads", c.num_attention_heads},
          {"image_size", c.image_size},
          {"patch_size", c.patch_size},
          {"layer_norm_eps", c.layer_norm_eps},
          {"hidden_act", "gelu_pytorch_tanh"}};
}

std::unique_ptr<CausalLM> load_causal_lm(const std::string& dir, torch::ScalarType dtype) {
  const HfConfig hf = HfConfig::read(config_path(dir));
  auto lm = std::make_unique<CausalLM>(text_config_from_hf(hf), opts_for(dtype));
  LoadOptions lo;
  lo.awq_group_size = awq_group_size(hf);
  load_params(lm->named_parameters(), open_weights(dir), lo);
  return lm;
}

std::unique_ptr<SiglipVisionEncoder> load_siglip(const std::string& dir, torch::ScalarType dtype) {
  const HfConfig hf = HfConfig::read(config_path(dir));
  auto enc = std::make_unique<SiglipVisionEncoder>(SiglipConfig::from_hf(hf), opts_for(dtype));
  const TensorSource src = open_weights(dir);
  // SiglipModel and older SiglipVisionModel files use "vision_model."; transformers 5 saves
  // SiglipVisionModel without a prefix.
  const std::string prefix =
      find_prefix(src, {"vision_model", ""}, "embeddings.patch_embedding.weight", "SigLIP vision");
  ParamList params;
  enc->collect(prefix, params);
  load_params(params, src);
  return enc;
}

std::unique_ptr<VisionLanguageModel> load_llava(const std::string& dir, torch::ScalarType dtype) {
  const HfConfig hf = HfConfig::read(config_path(dir));
  const LlavaLayout layout = read_llava_config(hf);
  auto m = make_vlm(layout, opts_for(dtype));
  const TensorSource src = open_weights(dir);
  const std::string vision = find_prefix(
      src, {"vision_tower.vision_model", "model.vision_tower.vision_model", "vision_tower", "model.vision_tower"},
      "embeddings.patch_embedding.weight", "vision tower");
  const std::string proj = find_prefix(src, {"multi_modal_projector", "model.multi_modal_projector"},
                                       "linear_1.weight", "projector");
  const std::string body = find_prefix(src, {"language_model.model", "model.language_model"},
                                       "embed_tokens.weight", "language model");
  const std::string head = body == "language_model.model" ? "language_model.lm_head" : "lm_head";
  LoadOptions lo;
  lo.rename = {{std::string(VisionLanguageModel::kVisionPrefix) + ".", vision + "."},
               {std::string(VisionLanguageModel::kProjectorPrefix) + ".", proj + "."},
               {"language_model.model.", body + "."},
               {"language_model.lm_head.", head + "."}};
  lo.awq_group_size = hf.has("text_config") ? awq_group_size(hf.section("text_config")) : 0;
  if (!lo.awq_group_size) lo.awq_group_size = awq_group_size(hf);
  load_params(m->named_parameters(), src, lo);
  return m;
}

std::unique_ptr<VisionLanguageModel> build_vlm(const ModelConfig& cfg) {
  const torch::ScalarType dtype = parse_dtype(cfg.dtype, "model.dtype");
  check_projector_type(cfg.projector, "model.projector");
  if (!cfg.checkpoint.empty()) {
    if (fs::exists(fs::path(cfg.checkpoint) / "config.json")) {
      auto m = load_llava(cfg.checkpoint, dtype);
      if (cfg.image_token_id >= 0) m->image_token_id = cfg.image_token_id;
      return m;
    }
    // A training checkpoint: the base model from the other sources, then its weights on top.
    ModelConfig base = cfg;
    base.checkpoint.clear();
    auto m = build_vlm(base);
    LoadOptions lo;
    lo.allow_missing = true;
    const size_t n = load_params(m->named_parameters(), open_weights(cfg.checkpoint), lo);
    if (n == 0)
      throw Error("no model tensor found in the checkpoint", cfg.checkpoint,
                  "expected LLaVA legacy HF names (vision_tower.vision_model.*, multi_modal_projector.*, language_model.*)");
    return m;
  }
  if (!cfg.llava_path.empty()) {
    auto m = load_llava(cfg.llava_path, dtype);
    if (cfg.image_token_id >= 0) m->image_token_id = cfg.image_token_id;
    m->vision_feature_layer = cfg.vision_feature_layer;
    m->vision_post_layernorm = cfg.vision_post_layernorm;
    return m;
  }
  const HfConfig vhf = cfg.vision.path.empty()
                           ? HfConfig{inline_vision_config(cfg.vision), "model.vision"}
                           : HfConfig::read(config_path(cfg.vision.path));
  const HfConfig thf = cfg.llm.path.empty() ? HfConfig{inline_text_config(cfg.llm), "model.llm"}
                                            : HfConfig::read(config_path(cfg.llm.path));
  const SiglipConfig vc = SiglipConfig::from_hf(vhf);
  const TextConfig tc = text_config_from_hf(thf);
  auto m = std::make_unique<VisionLanguageModel>(
      vc, projector_config(cfg.projector, vc.hidden_size, tc.hidden_size), tc, opts_for(dtype));
  if (cfg.image_token_id < 0)
    throw Error("image_token_id is required when the VLM is assembled from parts",
                "model.image_token_id", "e.g. 151655 (<|image_pad|>) for Qwen2.5");
  m->image_token_id = cfg.image_token_id;
  m->vision_feature_layer = cfg.vision_feature_layer;
  m->vision_post_layernorm = cfg.vision_post_layernorm;

  ParamList vision_params, proj_params, llm_params;
  m->vision.collect(VisionLanguageModel::kVisionPrefix, vision_params);
  m->projector.collect(VisionLanguageModel::kProjectorPrefix, proj_params);
  m->llm.collect(VisionLanguageModel::kLlmPrefix, llm_params);
  init_random(proj_params, cfg.init_seed, 0.02);
  if (cfg.vision.path.empty()) {
    init_random(vision_params, cfg.init_seed + 1, 0.02);
  } else {
    const TensorSource src = open_weights(cfg.vision.path);
    const std::string prefix = find_prefix(src, {"vision_model", ""},
                                           "embeddings.patch_embedding.weight", "SigLIP vision");
    LoadOptions lo;
    lo.rename = {{std::string(VisionLanguageModel::kVisionPrefix) + ".", prefix.empty() ? "" : prefix + "."}};
    load_params(vision_params, src, lo);
  }
  if (cfg.llm.path.empty()) {
    init_random(llm_params, cfg.init_seed + 2, 0.02);
  } else {
    LoadOptions lo;
    lo.rename = {{"language_model.", ""}};
    lo.awq_group_size = awq_group_size(thf);
    load_params(llm_params, open_weights(cfg.llm.path), lo);
  }
  return m;
}

ParamCounts count_model_dir(const std::string& dir) {
  const HfConfig hf = HfConfig::read(config_path(dir));
  const auto meta = torch::TensorOptions().device(torch::kMeta).dtype(torch::kFloat32);
  ParamCounts c;
  const std::string type = hf.get_string("model_type", "");
  if (type == "llava") {
    const LlavaLayout l = read_llava_config(hf);
    c.architecture = "LlavaForConditionalGeneration (vision " + std::string("SigLIP") + ", text " +
                     l.text.architecture + ")";
    auto m = make_vlm(l, meta);
    ParamList v, p, t;
    m->vision.collect("v", v);
    m->projector.collect("p", p);
    m->llm.collect("t", t);
    c.vision = count_params(v);
    c.projector = count_params(p);
    c.llm = count_params(t);
  } else if (type == "siglip_vision_model" || type == "siglip") {
    c.architecture = "SigLIP vision (" + std::string(type) + ")";
    SiglipVisionEncoder enc(SiglipConfig::from_hf(hf), meta);
    ParamList v;
    enc.collect("", v);
    c.vision = count_params(v);
  } else {
    CausalLM lm(text_config_from_hf(hf), meta);
    c.architecture = lm.config.architecture;
    c.llm = count_params(lm.named_parameters());
  }
  return c;
}

std::string describe_model_dir(const std::string& dir) {
  const ParamCounts c = count_model_dir(dir);
  std::ostringstream o;
  o << "architecture: " << c.architecture << "\n";
  o << "parameters: vision " << c.vision << ", projector " << c.projector << ", llm " << c.llm
    << ", total " << c.total() << "\n";
  return o.str();
}

}  // namespace vlmforge
