#include "eval/benchmark.h"

#include <cctype>
#include <filesystem>
#include <set>

#include "models/core/error.h"

namespace vlmforge::eval {

namespace fs = std::filesystem;

std::string BenchmarkSet::records_file() const {
  if (!generated && fs::is_regular_file(dataset)) return dataset;
  return (fs::path(dataset) / (split == "all" ? "data.jsonl" : split + ".jsonl")).string();
}

bool BenchmarkSet::needs_generation() const {
  return generated && !fs::exists(fs::path(dataset) / "manifest.json");
}

std::vector<BenchmarkSet> resolve_benchmark(const EvalConfig& cfg) {
  std::vector<BenchmarkSet> sets;
  std::set<std::string> names;
  for (size_t i = 0; i < cfg.benchmark.size(); ++i) {
    const BenchmarkSetConfig& c = cfg.benchmark[i];
    const std::string where = "eval.benchmark[" + std::to_string(i) + "]";
    if (c.name.empty()) throw Error("a benchmark set needs a name", where + ".name");
    for (char ch : c.name)
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_' && ch != '-' && ch != '.')
        throw Error("set name '" + c.name + "' must use only letters, digits, _ - .", where + ".name",
                    "it becomes a folder name");
    if (!names.insert(c.name).second) throw Error("set name '" + c.name + "' is used twice", where + ".name");
    if (c.synth_config.empty() == c.path.empty())
      throw Error("give exactly one of synth_config (generated set) and path (existing dataset)", where);
    if (c.split != "all" && c.split != "train" && c.split != "val" && c.split != "test")
      throw Error("unknown split '" + c.split + "'", where + ".split", "use all, train, val or test");
    if (c.limit < 0) throw Error("limit must be >= 0", where + ".limit");
    BenchmarkSet s;
    s.name = c.name;
    s.description = c.description;
    s.split = c.split;
    s.limit = c.limit;
    if (!c.synth_config.empty()) {
      if (c.num <= 0) throw Error("a generated set needs num > 0 documents", where + ".num");
      s.generated = true;
      s.synth_config = c.synth_config;
      s.seed = c.seed;
      s.num = c.num;
      s.dataset = (fs::path(cfg.benchmark_dir) /
                   (c.name + "-s" + std::to_string(c.seed) + "-n" + std::to_string(c.num)))
                      .string();
    } else {
      s.dataset = c.path;
    }
    sets.push_back(std::move(s));
  }
  return sets;
}

nlohmann::json benchmark_summary(const std::vector<BenchmarkSet>& sets,
                                 const std::vector<nlohmann::json>& set_metrics) {
  if (sets.size() != set_metrics.size())
    throw Error("benchmark_summary: " + std::to_string(sets.size()) + " sets but " +
                std::to_string(set_metrics.size()) + " metric objects");
  nlohmann::json out;
  out["sets"] = nlohmann::json::object();
  nlohmann::json sums = nlohmann::json::object();
  for (size_t i = 0; i < sets.size(); ++i) {
    const auto& overall = set_metrics[i].at("overall");
    out["sets"][sets[i].name] = {{"description", sets[i].description},
                                 {"dataset", sets[i].dataset},
                                 {"count", set_metrics[i].value("count", 0)},
                                 {"overall", overall}};
    for (const auto& [metric, value] : overall.items())
      if (metric != "count") sums[metric] = sums.value(metric, 0.0) + value.get<double>();
  }
  out["mean"] = nlohmann::json::object();
  for (const auto& [metric, total] : sums.items())
    out["mean"][metric] = total.get<double>() / static_cast<double>(sets.size());
  return out;
}

}  // namespace vlmforge::eval
