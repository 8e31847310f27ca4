// `vlmforge inspect FILE_OR_DIR`: the tensors of a safetensors file / sharded set / checkpoint
// folder (name, dtype, shape, bytes), totals per dtype, and a summary of config.json if present.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <map>
#include <regex>
#include <sstream>

#include "models/core/error.h"
#include "models/core/fs.h"
#include "models/io/safetensors.h"
#include "train/cli/args.h"
#include "train/cli/commands.h"

namespace vlmforge::cli {
namespace fs = std::filesystem;

namespace {

std::string human_bytes(double b) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (b >= 1024 && u < 4) {
    b /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.2f %s", b, units[u]);
  return buf;
}

std::string human_count(double n) {
  char buf[32];
  if (n >= 1e9) std::snprintf(buf, sizeof buf, "%.2fB", n / 1e9);
  else if (n >= 1e6) std::snprintf(buf, sizeof buf, "%.2fM", n / 1e6);
  else if (n >= 1e3) std::snprintf(buf, sizeof buf, "%.1fK", n / 1e3);
  else std::snprintf(buf, sizeof buf, "%.0f", n);
  return buf;
}

std::string shape_text(const std::vector<int64_t>& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

// config.json summary: architecture and the sizes a reader wants first.
void print_config_summary(const fs::path& path) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_file(path.string()));
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("config.json is not valid JSON: ") + e.what(), path.string());
  }
  std::printf("\nconfig.json:\n");
  auto show = [](const nlohmann::json& obj, const std::string& indent) {
    static const char* keys[] = {"model_type", "architectures", "hidden_size", "intermediate_size",
                                 "num_hidden_layers", "num_attention_heads", "num_key_value_heads",
                                 "vocab_size", "image_size", "patch_size", "rope_theta",
                                 "partial_rotary_factor", "tie_word_embeddings", "torch_dtype",
                                 "dtype", "image_token_index", "image_token_id",
                                 "vision_feature_layer", "vision_feature_select_strategy",
                                 "projector_hidden_act"};
    for (const char* k : keys)
      if (obj.contains(k)) std::printf("%s%-32s %s\n", indent.c_str(), k, obj[k].dump().c_str());
    if (obj.contains("quantization_config"))
      std::printf("%s%-32s %s\n", indent.c_str(), "quantization_config",
                  obj["quantization_config"].dump().c_str());
  };
  show(j, "  ");
  for (const char* sub : {"vision_config", "text_config"}) {
    if (j.contains(sub) && j[sub].is_object()) {
      std::printf("  %s:\n", sub);
      show(j[sub], "    ");
    }
  }
}

}  // namespace

int cmd_inspect(const Args& args) {
  ArgParser p("vlmforge inspect",
              "List the tensors (name, dtype, shape, bytes) of a .safetensors file, a sharded set "
              "(model.safetensors.index.json) or a model/checkpoint folder, with totals and the "
              "config.json summary.");
  p.positional("FILE_OR_DIR", "safetensors file, index file, or folder")
      .option("--filter", "REGEX", "only tensors whose name matches")
      .flag("--summary", "totals and config only, no per-tensor table");
  if (!p.parse(args)) return 0;
  const std::string target = p.get("FILE_OR_DIR");
  if (!fs::exists(target)) throw Error("no such file or folder", target);

  SafetensorsReader reader = SafetensorsReader::open(target);
  std::regex filter;
  bool filtering = p.has("--filter");
  if (filtering) {
    try {
      filter = std::regex(p.get("--filter"));
    } catch (const std::regex_error& e) {
      throw Error(std::string("invalid regex: ") + e.what(), "--filter");
    }
  }

  auto names = reader.names();
  size_t name_w = 4;
  for (const auto& n : names) name_w = std::max(name_w, n.size());
  name_w = std::min<size_t>(name_w, 80);

  std::map<std::string, std::pair<uint64_t, uint64_t>> by_dtype;  // dtype -> (params, bytes)
  uint64_t params = 0, bytes = 0, shown = 0;
  if (!p.get_flag("--summary"))
    std::printf("%-*s  %-7s  %-22s  %s\n", static_cast<int>(name_w), "name", "dtype", "shape", "bytes");
  for (const auto& n : names) {
    if (filtering && !std::regex_search(n, filter)) continue;
    const TensorEntry& e = reader.entry(n);
    uint64_t count = 1;
    for (int64_t d : e.shape) count *= static_cast<uint64_t>(d);
    params += count;
    bytes += e.nbytes();
    by_dtype[e.dtype].first += count;
    by_dtype[e.dtype].second += e.nbytes();
    ++shown;
    if (!p.get_flag("--summary"))
      std::printf("%-*s  %-7s  %-22s  %s\n", static_cast<int>(name_w), n.c_str(), e.dtype.c_str(),
                  shape_text(e.shape).c_str(), human_bytes(static_cast<double>(e.nbytes())).c_str());
  }
  auto files = reader.files();
  std::printf("\n%llu tensors, %s parameters, %s in %zu file%s\n",
              static_cast<unsigned long long>(shown), human_count(static_cast<double>(params)).c_str(),
              human_bytes(static_cast<double>(bytes)).c_str(), files.size(), files.size() == 1 ? "" : "s");
  for (const auto& [dt, pb] : by_dtype)
    std::printf("  %-7s %s parameters, %s\n", dt.c_str(),
                human_count(static_cast<double>(pb.first)).c_str(),
                human_bytes(static_cast<double>(pb.second)).c_str());
  auto meta = reader.metadata();
  if (!meta.empty()) {
    std::printf("metadata:");
    for (const auto& [k, v] : meta) std::printf(" %s=%s", k.c_str(), v.c_str());
    std::printf("\n");
  }
  fs::path dir = fs::is_directory(target) ? fs::path(target) : fs::path(target).parent_path();
  if (fs::exists(dir / "config.json")) print_config_summary(dir / "config.json");
  return 0;
}

}  // namespace vlmforge::cli
