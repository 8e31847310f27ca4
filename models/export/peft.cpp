#include "models/export/peft.h"

#include "models/core/error.h"
#include "models/core/fs.h"
#include "models/io/safetensors.h"
#include "models/layers/lora.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <regex>
#include <set>

namespace vlmforge {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const std::string kPeftPrefix = "base_model.model.";  // PeftModelForCausalLM -> LoraModel -> base
const std::string kLlmPrefix = std::string(VisionLanguageModel::kLlmPrefix) + ".";

struct AdapterRef {
  std::string module;  // HF module name in the causal-LM base
  std::shared_ptr<LoraAdapter> lora;
};

bool starts_with(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }

std::string leaf(const std::string& name) {
  const auto dot = name.rfind('.');
  return dot == std::string::npos ? name : name.substr(dot + 1);
}

std::string regex_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::string("\\^$.|?*+()[]{}").find(c) != std::string::npos) out += '\\';
    out += c;
  }
  return out;
}

// Linears of the causal-LM base with their base-relative names (prefix stripped); throws for
// adapters outside the LLM.
std::vector<std::pair<std::string, NamedLinear>> base_linears(const LinearList& all,
                                                              const std::string& llm_prefix) {
  std::vector<std::pair<std::string, NamedLinear>> out;
  for (const NamedLinear& nl : all) {
    if (!starts_with(nl.name, llm_prefix)) {
      if (nl.get().adapter)
        throw Error("LoRA on '" + nl.name + "' is outside the language model",
                    "export --format peft-lora",
                    "a PEFT adapter for the text model holds LLM adapters only; use --format "
                    "hf-llava to export vision/projector adapters merged");
      continue;
    }
    out.emplace_back(nl.name.substr(llm_prefix.size()), nl);
  }
  return out;
}

PeftExportResult export_adapters(const LinearList& all, const std::string& llm_prefix,
                                 const PeftExportOptions& o) {
  if (o.out_dir.empty()) throw Error("no output folder", "export --out");
  torch::NoGradGuard no_grad;
  const auto linears = base_linears(all, llm_prefix);
  std::vector<AdapterRef> adapters;
  for (const auto& [module, nl] : linears) {
    const auto& a = nl.get().adapter;
    if (!a) continue;
    auto lora = std::dynamic_pointer_cast<LoraAdapter>(a);
    if (!lora) throw Error("adapter is not LoRA", nl.name, "PEFT export supports LoRA only");
    adapters.push_back({module, lora});
  }
  if (adapters.empty())
    throw Error("the language model carries no LoRA adapter", "export --format peft-lora",
                "train with lora enabled, or export the full model with --format hf-llava");
  const LoraSpec spec = adapters.front().lora->spec;
  for (const auto& a : adapters)
    if (a.lora->spec.r != spec.r || a.lora->spec.alpha != spec.alpha ||
        a.lora->spec.rslora != spec.rslora)
      throw Error("LoRA adapters differ in r / alpha / rsLoRA", a.module,
                  "export needs one r, lora_alpha and use_rslora for all adapters");

  // target_modules: the leaf names when they select exactly the adapted linears (the common
  // "q_proj, v_proj, ..." form), else a regex PEFT full-matches against module names.
  std::set<std::string> leaves, adapted;
  for (const auto& a : adapters) {
    leaves.insert(leaf(a.module));
    adapted.insert(a.module);
  }
  bool by_leaf = true;
  for (const auto& [module, nl] : linears)
    if (leaves.count(leaf(module)) && !adapted.count(module)) by_leaf = false;
  json target;
  if (by_leaf) {
    target = json::array();
    for (const auto& l : leaves) target.push_back(l);
  } else {
    std::string re;
    for (const auto& m : adapted) re += (re.empty() ? "" : "|") + regex_escape(m);
    target = re;
  }

  json cfg = {{"peft_type", "LORA"},
              {"task_type", "CAUSAL_LM"},
              {"base_model_name_or_path", o.base_model_name_or_path.empty()
                                              ? json(nullptr)
                                              : json(o.base_model_name_or_path)},
              {"r", spec.r},
              {"lora_alpha", spec.alpha},
              {"lora_dropout", spec.dropout},
              {"use_rslora", spec.rslora},
              {"target_modules", target},
              {"bias", "none"},
              {"fan_in_fan_out", false},
              {"modules_to_save", nullptr},
              {"init_lora_weights", true},
              {"inference_mode", true},
              {"use_dora", false},
              {"lora_bias", false},
              {"layers_to_transform", nullptr},
              {"layers_pattern", nullptr},
              {"rank_pattern", json::object()},
              {"alpha_pattern", json::object()},
              {"revision", nullptr}};

  NamedTensors tensors;
  PeftExportResult result;
  for (const auto& a : adapters) {
    const auto dt = o.dtype == torch::ScalarType::Undefined ? a.lora->A.scalar_type() : o.dtype;
    tensors.emplace_back(kPeftPrefix + a.module + ".lora_A.weight",
                         a.lora->A.detach().to(torch::kCPU, dt).contiguous());
    tensors.emplace_back(kPeftPrefix + a.module + ".lora_B.weight",
                         a.lora->B.detach().to(torch::kCPU, dt).contiguous());
    result.modules.push_back(a.module);
  }
  const fs::path out(o.out_dir);
  const fs::path tmp = out.string() + ".tmp";
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  write_file_atomic((tmp / "adapter_config.json").string(), cfg.dump(2) + "\n");
  save_safetensors((tmp / "adapter_model.safetensors").string(), tensors, {{"format", "pt"}});
  commit_directory(tmp.string(), out.string());
  result.file = (out / "adapter_model.safetensors").string();
  return result;
}

// --- loading -----------------------------------------------------------------------------------

struct PeftConfig {
  int64_t r = 8;
  double alpha = 8;
  double dropout = 0;
  bool rslora = false;
  std::map<std::string, int64_t> rank_pattern;
  std::map<std::string, double> alpha_pattern;
};

bool truthy(const json& j, const char* key) {
  return j.contains(key) && !j[key].is_null() && !(j[key].is_boolean() && !j[key].get<bool>()) &&
         !(j[key].is_array() && j[key].empty()) && !(j[key].is_object() && j[key].empty());
}

PeftConfig read_peft_config(const std::string& path) {
  json j;
  try {
    j = json::parse(read_file(path));
  } catch (const json::exception& e) {
    throw Error(std::string("invalid JSON: ") + e.what(), path);
  }
  if (j.value("peft_type", std::string()) != "LORA")
    throw Error("peft_type '" + j.value("peft_type", std::string("?")) + "' is not LORA", path);
  for (const char* key : {"use_dora", "lora_bias", "fan_in_fan_out", "modules_to_save",
                          "target_parameters", "layer_replication", "trainable_token_indices",
                          "alora_invocation_tokens"})
    if (truthy(j, key))
      throw Error(std::string("unsupported PEFT option '") + key + "'", path + ": " + key,
                  "vlmforge loads plain LoRA on linear layers");
  if (j.value("bias", std::string("none")) != "none")
    throw Error("adapters with trained biases are not supported", path + ": bias", "use bias: none");
  PeftConfig c;
  try {
    c.r = j.at("r").get<int64_t>();
    c.alpha = j.at("lora_alpha").get<double>();
    c.dropout = j.value("lora_dropout", 0.0);
    c.rslora = j.value("use_rslora", false);
    if (j.contains("rank_pattern") && j["rank_pattern"].is_object())
      for (const auto& [k, v] : j["rank_pattern"].items()) c.rank_pattern[k] = v.get<int64_t>();
    if (j.contains("alpha_pattern") && j["alpha_pattern"].is_object())
      for (const auto& [k, v] : j["alpha_pattern"].items()) c.alpha_pattern[k] = v.get<double>();
  } catch (const json::exception& e) {
    throw Error(std::string("bad LoRA field: ") + e.what(), path);
  }
  return c;
}

// PEFT's pattern lookup: a key applies when the module name ends with it at a dot boundary.
template <class T>
T pattern_value(const std::map<std::string, T>& patterns, const std::string& module, T fallback) {
  for (const auto& [key, value] : patterns) {
    if (key == module) return value;
    try {
      if (std::regex_match(module, std::regex("(.*\\.)?(" + key + ")"))) return value;
    } catch (const std::regex_error&) {
      throw Error("invalid pattern '" + key + "'", "adapter_config.json: rank_pattern/alpha_pattern");
    }
  }
  return fallback;
}

// `names`: base module name -> our linear. `candidates` maps a stored module name to the names
// to try, in order.
std::vector<std::string> attach(const std::string& dir, const std::map<std::string, NamedLinear>& names,
                                const std::function<std::vector<std::string>(const std::string&)>& candidates) {
  const fs::path d(dir);
  const std::string cfg_path = (d / "adapter_config.json").string();
  if (!fs::exists(cfg_path)) throw Error("no adapter_config.json", dir, "expected a PEFT adapter folder");
  const PeftConfig cfg = read_peft_config(cfg_path);
  const std::string weights = (d / "adapter_model.safetensors").string();
  if (!fs::exists(weights))
    throw Error("no adapter_model.safetensors", dir,
                "only safetensors adapters are read (save_pretrained(safe_serialization=True))");
  auto file = SafetensorsFile::open(weights);

  const std::string a_suffix = ".lora_A.weight", b_suffix = ".lora_B.weight";
  std::vector<std::string> wrapped;
  torch::NoGradGuard no_grad;
  for (const TensorEntry& e : file->entries()) {
    const std::string& key = e.name;
    const bool is_a = key.size() > a_suffix.size() &&
                      key.compare(key.size() - a_suffix.size(), a_suffix.size(), a_suffix) == 0;
    const bool is_b = key.size() > b_suffix.size() &&
                      key.compare(key.size() - b_suffix.size(), b_suffix.size(), b_suffix) == 0;
    if (is_b) {
      if (!file->contains(key.substr(0, key.size() - b_suffix.size()) + a_suffix))
        throw Error("lora_B without its lora_A", weights + ": " + key);
      continue;
    }
    if (!is_a)
      throw Error("unsupported adapter tensor", weights + ": " + key,
                  "only lora_A / lora_B of linear layers are read");
    std::string module = key.substr(0, key.size() - a_suffix.size());
    if (!starts_with(module, kPeftPrefix))
      throw Error("adapter key without the '" + kPeftPrefix + "' prefix", weights + ": " + key);
    module = module.substr(kPeftPrefix.size());
    const NamedLinear* target = nullptr;
    for (const std::string& cand : candidates(module)) {
      auto it = names.find(cand);
      if (it != names.end()) {
        target = &it->second;
        break;
      }
    }
    if (!target)
      throw Error("adapter for a module the model does not have", weights + ": " + key,
                  "is the adapter for this base model?");
    const std::string b_key = kPeftPrefix + module + b_suffix;
    if (!file->contains(b_key)) throw Error("lora_A without its lora_B", weights + ": " + key);
    torch::Tensor A = file->get(key), B = file->get(b_key);
    LoraSpec spec;
    spec.r = pattern_value(cfg.rank_pattern, module, cfg.r);
    spec.alpha = pattern_value(cfg.alpha_pattern, module, cfg.alpha);
    spec.dropout = cfg.dropout;
    spec.rslora = cfg.rslora;
    Linear& lin = *target->linear;
    const int64_t out_rows = target->get().rows;
    if (A.dim() != 2 || B.dim() != 2 || A.size(0) != spec.r || A.size(1) != lin.in_features() ||
        B.size(0) != out_rows || B.size(1) != spec.r)
      throw Error("LoRA shapes A " + std::string(c10::str(A.sizes())) + ", B " +
                      std::string(c10::str(B.sizes())) + " do not fit r=" + std::to_string(spec.r) +
                      ", linear [" + std::to_string(out_rows) + ", " +
                      std::to_string(lin.in_features()) + "]",
                  weights + ": " + key);
    auto adapter = std::make_shared<LoraAdapter>(lin.in_features(), out_rows, spec,
                                                 lin.weight.options().requires_grad(false));
    adapter->A.copy_(A);
    adapter->B.copy_(B);
    adapter->training = false;  // inference by default; set_lora_training(true) to train on
    target->get().adapter = adapter;
    wrapped.push_back(target->name);
  }
  if (wrapped.empty()) throw Error("the adapter holds no LoRA weights", weights);
  return wrapped;
}

}  // namespace

PeftExportResult export_peft_lora(const VisionLanguageModel& model, const PeftExportOptions& o) {
  auto& m = const_cast<VisionLanguageModel&>(model);  // read only (see hf_llava.cpp)
  return export_adapters(m.named_linears(), kLlmPrefix, o);
}

PeftExportResult export_peft_lora(const CausalLM& lm, const PeftExportOptions& o) {
  auto& m = const_cast<CausalLM&>(lm);
  return export_adapters(m.named_linears(), "", o);
}

std::vector<std::string> load_peft_adapter(CausalLM& lm, const std::string& dir) {
  std::map<std::string, NamedLinear> names;
  for (const NamedLinear& nl : lm.named_linears()) names.emplace(nl.name, nl);
  return attach(dir, names, [](const std::string& m) { return std::vector<std::string>{m}; });
}

std::vector<std::string> load_peft_adapter(VisionLanguageModel& model, const std::string& dir) {
  std::map<std::string, NamedLinear> names;
  for (const NamedLinear& nl : model.named_linears()) names.emplace(nl.name, nl);
  return attach(dir, names, [](const std::string& m) {
    // Causal-LM base ("model.layers.0..."), legacy LLaVA base (our own names), or a
    // transformers-5 LLaVA base ("model.language_model.layers.0...").
    std::vector<std::string> c{kLlmPrefix + m, m};
    const std::pair<const char*, const char*> v5[] = {
        {"model.language_model.", "language_model.model."},
        {"model.vision_tower.", "vision_tower."},
        {"model.multi_modal_projector.", "multi_modal_projector."}};
    for (const auto& [from, to] : v5)
      if (starts_with(m, from)) c.push_back(to + m.substr(std::string(from).size()));
    return c;
  });
}

}  // namespace vlmforge
