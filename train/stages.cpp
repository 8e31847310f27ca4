#include "train/stages.h"

#include <map>
#include <regex>
#include <set>

#include "models/core/error.h"

namespace vlmforge {

namespace {

bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

// Encoder layer index of a vision parameter, or -1.
int64_t vision_layer(const std::string& name) {
  static const std::regex re(R"(^vision_tower\..*\.layers\.(\d+)\.)");
  std::smatch m;
  if (std::regex_search(name, m, re)) return std::stoll(m[1]);
  return -1;
}

}  // namespace

std::string param_part(const std::string& n) {
  if (n.find(".lora_A.") != std::string::npos || n.find(".lora_B.") != std::string::npos)
    return "lora";
  if (starts_with(n, "vision_tower.")) return "vision";
  if (starts_with(n, "multi_modal_projector.")) return "projector";
  if (starts_with(n, "language_model.")) return "llm";
  return "";
}

bool stages_use_lora(const std::vector<StageConfig>& stages) {
  for (const auto& s : stages)
    for (const auto& t : s.trainable)
      if (t == "lora") return true;
  return false;
}

std::vector<ParamGroup> plan_stage(const ParamList& params, const StageConfig& stage,
                                   size_t stage_index, int64_t num_vision_layers,
                                   double weight_decay) {
  const std::string where = "train.stages[" + std::to_string(stage_index) + "]";
  // Which parts train, and for vision.last_N the first trainable layer.
  std::set<std::string> parts;
  int64_t vision_from = -1;  // -1: no partial vision
  for (const auto& t : stage.trainable) {
    if (starts_with(t, "vision.last_")) {
      int64_t n = 0;
      try {
        n = std::stoll(t.substr(12));
      } catch (const std::exception&) {
        throw Error("expected vision.last_N with a number N, got '" + t + "'", where + ".trainable");
      }
      if (n <= 0 || n > num_vision_layers)
        throw Error("vision.last_N needs 1 <= N <= " + std::to_string(num_vision_layers) +
                        ", got " + std::to_string(n),
                    where + ".trainable");
      vision_from = num_vision_layers - n;
      parts.insert("vision.last");
    } else if (t == "vision" || t == "projector" || t == "llm" || t == "lora") {
      parts.insert(t);
    } else {
      throw Error("unknown trainable part '" + t + "'", where + ".trainable",
                  "use vision, vision.last_N, projector, llm or lora");
    }
  }
  auto lr_of = [&](const std::string& part) {
    // vision.last_N uses the `vision` learning rate.
    const std::string key = part == "vision.last" ? "vision" : part;
    auto it = stage.lr.find(key);
    if (it == stage.lr.end())
      throw Error("no learning rate for trainable part '" + key + "'", where + ".lr." + key);
    return it->second;
  };

  std::map<std::string, ParamGroup> groups;
  std::set<std::string> seen_parts;
  std::set<const torch::Tensor*> done;
  for (const auto& slot : params) {
    if (!done.insert(slot.storage).second) continue;  // fused / tied storages: first slot decides
    const std::string part = param_part(slot.name);
    bool train = false;
    std::string group_part = part;
    if (parts.count(part)) {
      train = true;
    } else if (part == "vision" && parts.count("vision.last")) {
      int64_t layer = vision_layer(slot.name);
      train = layer >= vision_from;
      group_part = "vision.last";
    }
    slot.storage->set_requires_grad(train);
    if (!train) continue;
    seen_parts.insert(group_part);
    const bool decay = slot.storage->dim() >= 2;
    const std::string gname = (group_part == "vision.last" ? "vision" : group_part) + (decay ? "" : ".no_decay");
    ParamGroup& g = groups[gname];
    g.name = gname;
    g.lr = lr_of(group_part);
    g.weight_decay = decay ? weight_decay : 0.0;
    g.params.push_back({slot.name, *slot.storage});
  }
  for (const auto& p : parts)
    if (!seen_parts.count(p))
      throw Error("trainable part '" + p + "' matches no parameter of this model", where + ".trainable",
                  p == "lora" ? "is train.lora.target matching the LLM's linears?" : "");
  std::vector<ParamGroup> out;
  for (auto& [name, g] : groups) out.push_back(std::move(g));
  return out;
}

}  // namespace vlmforge
