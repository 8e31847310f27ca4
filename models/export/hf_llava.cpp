#include "models/export/hf_llava.h"

#include "models/core/error.h"
#include "models/core/fs.h"
#include "models/export/hf_configs.h"
#include "models/io/safetensors.h"
#include "models/layers/lora.h"

#include <filesystem>
#include <map>
#include <set>

namespace vlmforge {

namespace fs = std::filesystem;
using nlohmann::json;

LmHeadBias parse_lm_head_bias(const std::string& name, const std::string& where) {
  if (name == "refuse") return LmHeadBias::refuse;
  if (name == "drop") return LmHeadBias::drop;
  if (name == "keep") return LmHeadBias::keep;
  throw Error("unknown lm_head bias policy '" + name + "'", where, "use refuse, drop or keep");
}

namespace {

// The exporters only read the model; ParamList / LinearList are built through non-const
// accessors because slots hold plain pointers to the storages.
VisionLanguageModel& readable(const VisionLanguageModel& m) {
  return const_cast<VisionLanguageModel&>(m);
}

std::string projector_act_name(const Projector& p) {
  if (p.config.type != "mlp2x_gelu")
    throw Error("projector '" + p.config.type + "' is not expressible in Hugging Face LLaVA",
                "export --format hf-llava",
                "LLaVA has only linear_1 -> act -> linear_2; the moondream1 projector (MLP -> "
                "LayerNorm -> residual MLP) needs its own runtime; export the LLM adapter with "
                "--format peft-lora instead");
  if (!p.config.bias)
    throw Error("projector without bias is not expressible (multimodal_projector_bias)",
                "export --format hf-llava");
  return hf_activation_name(p.config.act, "llava");
}

int64_t image_seq_length(const VisionLanguageModel& m) {
  return m.vision.config.num_patches() - (m.drop_first_image_token ? 1 : 0);
}

torch::ScalarType resolve_dtype(const VisionLanguageModel& m, torch::ScalarType dtype) {
  return dtype == torch::ScalarType::Undefined ? m.llm.embed_tokens.scalar_type() : dtype;
}

const std::string kLmHeadBias = std::string(VisionLanguageModel::kLlmPrefix) + ".lm_head.bias";

}  // namespace

json hf_llava_config(const VisionLanguageModel& m, torch::ScalarType dtype) {
  const std::string act = projector_act_name(m.projector);
  if (m.vision_post_layernorm)
    throw Error("vision features taken after post_layernorm are not expressible in HF LLaVA",
                "export --format hf-llava",
                "LLaVA feeds hidden_states[vision_feature_layer], which excludes post_layernorm");
  if (m.image_token_id < 0) throw Error("the model has no image_token_id", "export --format hf-llava");
  const std::string dt = hf_dtype_name(resolve_dtype(m, dtype));
  json text = hf_text_config(m.llm.config);
  text["dtype"] = dt;
  json vision = hf_siglip_vision_config(m.vision.config);
  vision["dtype"] = dt;
  return {{"architectures", {"LlavaForConditionalGeneration"}},
          {"model_type", "llava"},
          {"vision_config", vision},
          {"text_config", text},
          {"image_token_index", m.image_token_id},
          {"image_token_id", m.image_token_id},
          {"image_seq_length", image_seq_length(m)},
          {"projector_hidden_act", act},
          {"multimodal_projector_bias", true},
          {"vision_feature_layer", m.vision_feature_layer},
          {"vision_feature_select_strategy", m.drop_first_image_token ? "default" : "full"},
          {"tie_word_embeddings", m.llm.config.tie_word_embeddings},
          {"torch_dtype", dt},
          {"dtype", dt}};
}

NamedTensors hf_llava_tensors(const VisionLanguageModel& model, torch::ScalarType dtype,
                              LmHeadBias lm_head_bias, HfLlavaExportResult* result) {
  torch::NoGradGuard no_grad;
  VisionLanguageModel& m = readable(model);
  dtype = resolve_dtype(model, dtype);
  hf_dtype_name(dtype);  // validates

  // weight slot name -> adapter to fold into it; adapter parameter names to leave out.
  std::map<std::string, std::shared_ptr<LoraAdapter>> lora;
  std::set<std::string> adapter_params;
  for (const NamedLinear& nl : m.named_linears()) {
    const auto& adapter = nl.get().adapter;
    if (!adapter) continue;
    auto l = std::dynamic_pointer_cast<LoraAdapter>(adapter);
    if (!l)
      throw Error("an adapter that is not LoRA cannot be merged", nl.name, "export supports LoRA only");
    lora[nl.name + ".weight"] = l;
    ParamList ap;
    adapter->collect(nl.name, ap);
    for (const auto& s : ap) adapter_params.insert(s.name);
  }

  NamedTensors out;
  size_t merged = 0;
  for (const ParamSlot& slot : m.named_parameters()) {
    if (adapter_params.count(slot.name)) continue;
    torch::Tensor t = slot.view().detach();
    if (slot.name == kLmHeadBias) {
      const double max_abs = t.abs().max().item<double>();
      if (lm_head_bias == LmHeadBias::refuse && max_abs != 0.0)
        throw Error("the LM head has a non-zero bias (max |b| = " + std::to_string(max_abs) +
                        ") that Hugging Face LLaVA cannot hold",
                    "export --format hf-llava: " + slot.name,
                    "LlavaForConditionalGeneration's lm_head has no bias (transformers drops it, "
                    "vLLM keeps it): train with the bias frozen at zero, or choose lm_head_bias "
                    "drop (transformers' logits) or keep (vLLM's logits)");
      if (lm_head_bias != LmHeadBias::keep) {
        if (max_abs != 0.0 && result)
          result->warnings.push_back("dropped " + slot.name + " (max |b| = " +
                                     std::to_string(max_abs) + ")");
        continue;
      }
      if (result)
        result->warnings.push_back("kept " + slot.name +
                                   ": vLLM uses it, transformers reports it UNEXPECTED and drops it");
    }
    auto it = lora.find(slot.name);
    if (it != lora.end()) {
      // W' = W + scaling · B A, all in fp32 (also for bf16 adapters), then the export dtype.
      const LoraAdapter& a = *it->second;
      const torch::Tensor delta =
          torch::matmul(a.B.to(torch::kFloat32), a.A.to(torch::kFloat32)) * a.spec.scaling();
      t = t.to(torch::kFloat32) + delta.to(t.device());
      ++merged;
    }
    out.emplace_back(slot.name, t.to(torch::kCPU, dtype).contiguous());
  }
  if (merged != lora.size())
    throw Error("LoRA adapters without a matching weight: merged " + std::to_string(merged) +
                    " of " + std::to_string(lora.size()),
                "export --format hf-llava");
  if (result) {
    result->num_tensors = out.size();
    result->num_merged_lora = merged;
  }
  return out;
}

namespace {

json read_json(const std::string& path) {
  try {
    return json::parse(read_file(path));
  } catch (const json::exception& e) {
    throw Error(std::string("invalid JSON: ") + e.what(), path);
  }
}

void write_json(const fs::path& path, const json& j) {
  write_file_atomic(path.string(), j.dump(2) + "\n");
}

// The token text whose id is `id` in a tokenizer.json (added tokens first, then the vocab).
std::string token_text(const json& tok, int64_t id) {
  if (tok.contains("added_tokens"))
    for (const auto& t : tok["added_tokens"])
      if (t.value("id", int64_t{-1}) == id) return t.value("content", std::string());
  if (tok.contains("model") && tok["model"].contains("vocab") && tok["model"]["vocab"].is_object())
    for (const auto& [text, v] : tok["model"]["vocab"].items())
      if (v.is_number_integer() && v.get<int64_t>() == id) return text;
  return "";
}

// Copies the tokenizer files and sets the chat template; returns the image token's text.
std::string write_tokenizer(const VisionLanguageModel& m, const HfLlavaExportOptions& o,
                            const fs::path& dir, HfLlavaExportResult& result) {
  std::string image_token = o.image_token;
  if (o.tokenizer_dir.empty()) {
    result.warnings.push_back("no tokenizer_dir: the folder has no tokenizer files");
    return image_token.empty() ? "<image>" : image_token;
  }
  const fs::path src(o.tokenizer_dir);
  if (!fs::is_directory(src)) throw Error("tokenizer folder not found", o.tokenizer_dir);
  static const char* kFiles[] = {"tokenizer.json",   "special_tokens_map.json", "vocab.json",
                                 "merges.txt",       "tokenizer.model",         "added_tokens.json",
                                 "chat_template.jinja"};
  bool any = false;
  for (const char* f : kFiles)
    if (fs::exists(src / f)) {
      fs::copy_file(src / f, dir / f, fs::copy_options::overwrite_existing);
      any = true;
    }
  if (!any && !fs::exists(src / "tokenizer_config.json"))
    throw Error("no tokenizer files (tokenizer.json, tokenizer.model, ...)", o.tokenizer_dir);
  json cfg = fs::exists(src / "tokenizer_config.json")
                 ? read_json((src / "tokenizer_config.json").string())
                 : json{{"tokenizer_class", "PreTrainedTokenizerFast"}};
  if (!o.chat_template.empty()) {
    cfg["chat_template"] = o.chat_template;
    write_file_atomic((dir / "chat_template.jinja").string(), o.chat_template);
  }
  cfg["processor_class"] = "LlavaProcessor";
  write_json(dir / "tokenizer_config.json", cfg);
  if (image_token.empty() && fs::exists(src / "tokenizer.json"))
    image_token = token_text(read_json((src / "tokenizer.json").string()), m.image_token_id);
  if (image_token.empty()) {
    result.warnings.push_back("image_token_id " + std::to_string(m.image_token_id) +
                              " not found in tokenizer.json; processor image_token set to <image>");
    image_token = "<image>";
  }
  return image_token;
}

}  // namespace

HfLlavaExportResult export_hf_llava(const VisionLanguageModel& m, const HfLlavaExportOptions& o) {
  if (o.out_dir.empty()) throw Error("no output folder", "export --out");
  HfLlavaExportResult result;
  const torch::ScalarType dtype = resolve_dtype(m, o.dtype);
  const json config = hf_llava_config(m, dtype);  // refuses inexpressible models before writing
  if (o.image_mean.size() != 3 || o.image_std.size() != 3)
    throw Error("image_mean and image_std need 3 values", "export");
  const NamedTensors tensors = hf_llava_tensors(m, dtype, o.lm_head_bias, &result);

  const fs::path out(o.out_dir);
  const fs::path tmp = out.string() + ".tmp";
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  write_json(tmp / "config.json", config);
  const auto files = save_safetensors_sharded(tmp.string(), tensors, o.max_shard_bytes, "model",
                                              {{"format", "pt"}});
  for (const auto& f : files) result.weight_files.push_back((out / fs::path(f).filename()).string());

  const std::string image_token = write_tokenizer(m, o, tmp, result);
  // transformers 5 reads the image processor nested in processor_config.json; older versions
  // and vLLM read preprocessor_config.json. Both are written, with the same content.
  const int64_t side = m.vision.config.image_size;
  const json image_processor = {{"image_processor_type", "SiglipImageProcessor"},
                                {"do_resize", true},
                                {"size", {{"height", side}, {"width", side}}},
                                {"resample", 3},  // PIL bicubic, as SigLIP's own preprocessor
                                {"do_rescale", true},
                                {"rescale_factor", 1.0 / 255.0},
                                {"do_normalize", true},
                                {"image_mean", o.image_mean},
                                {"image_std", o.image_std},
                                {"do_convert_rgb", true}};
  json preprocessor = image_processor;
  preprocessor["processor_class"] = "LlavaProcessor";
  write_json(tmp / "preprocessor_config.json", preprocessor);
  write_json(tmp / "processor_config.json",
             {{"processor_class", "LlavaProcessor"},
              {"image_processor", image_processor},
              {"patch_size", m.vision.config.patch_size},
              {"num_additional_image_tokens", 0},
              {"vision_feature_select_strategy", config["vision_feature_select_strategy"]},
              {"image_token", image_token}});
  commit_directory(tmp.string(), out.string());
  return result;
}

}  // namespace vlmforge
