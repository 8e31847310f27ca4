#include "train/checkpoint.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "models/core/error.h"
#include "models/core/fs.h"

namespace vlmforge {
namespace fs = std::filesystem;
using json = nlohmann::json;

json TrainerState::to_json() const {
  return {{"step", step},       {"stage", stage},   {"stage_step", stage_step},
          {"epoch", epoch},     {"samples", samples}, {"seed", seed},
          {"world_size", world_size}, {"model_fingerprint", model_fingerprint},
          {"loader", loader},   {"history", history}};
}

TrainerState TrainerState::from_json(const json& j, const std::string& where) {
  TrainerState s;
  auto need = [&](const char* key) -> const json& {
    if (!j.contains(key)) throw Error(std::string("missing key '") + key + "'", where);
    return j.at(key);
  };
  try {
    s.step = need("step").get<int64_t>();
    s.stage = need("stage").get<int64_t>();
    s.stage_step = need("stage_step").get<int64_t>();
    s.epoch = need("epoch").get<int64_t>();
    s.samples = need("samples").get<int64_t>();
    s.seed = need("seed").get<int64_t>();
    s.world_size = j.value("world_size", 1);
    s.model_fingerprint = j.value("model_fingerprint", "");
    s.loader = j.value("loader", json::object());
    s.history = j.value("history", json::array());
  } catch (const json::exception& e) {
    throw Error(std::string("malformed trainer state: ") + e.what(), where);
  }
  return s;
}

void save_checkpoint(const std::string& dir, const CheckpointContents& c) {
  const std::string tmp = dir + ".tmp";
  std::error_code ec;
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp);
  save_safetensors((fs::path(tmp) / "model.safetensors").string(), c.model);
  save_safetensors((fs::path(tmp) / "optimizer.safetensors").string(), c.optimizer);
  write_file_atomic((fs::path(tmp) / "trainer_state.json").string(), c.state.to_json().dump(2) + "\n");
  write_file_atomic((fs::path(tmp) / "config.yaml").string(), c.config_yaml);
  for (const auto& f : c.extra_files) {
    if (f.empty()) continue;
    fs::copy_file(f, fs::path(tmp) / fs::path(f).filename(), fs::copy_options::overwrite_existing, ec);
    if (ec) throw Error("cannot copy into checkpoint: " + ec.message(), f);
  }
  commit_directory(tmp, dir);
}

TrainerState read_trainer_state(const std::string& dir) {
  const std::string path = (fs::path(dir) / "trainer_state.json").string();
  json j;
  try {
    j = json::parse(read_file(path));
  } catch (const json::exception& e) {
    throw Error(std::string("not valid JSON: ") + e.what(), path);
  }
  return TrainerState::from_json(j, path);
}

std::string step_dir_name(int64_t step) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "step-%06lld", static_cast<long long>(step));
  return buf;
}

namespace {
// Complete step-N folders of a run, oldest first. `.tmp` folders are unfinished writes.
std::vector<std::pair<int64_t, fs::path>> step_dirs(const std::string& run_dir) {
  std::vector<std::pair<int64_t, fs::path>> out;
  std::error_code ec;
  if (!fs::is_directory(run_dir, ec)) return out;
  for (const auto& e : fs::directory_iterator(run_dir)) {
    const std::string n = e.path().filename().string();
    if (!e.is_directory() || n.rfind("step-", 0) != 0 || n.find('.') != std::string::npos) continue;
    if (!fs::exists(e.path() / "trainer_state.json")) continue;
    try {
      out.emplace_back(std::stoll(n.substr(5)), e.path());
    } catch (const std::exception&) {
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}
}  // namespace

void prune_checkpoints(const std::string& run_dir, int keep) {
  auto dirs = step_dirs(run_dir);
  if (keep < 1) keep = 1;
  for (size_t i = 0; i + static_cast<size_t>(keep) < dirs.size(); ++i) fs::remove_all(dirs[i].second);
}

std::string resolve_resume(const std::string& arg, const std::string& run_dir) {
  if (arg != "latest") {
    if (!fs::exists(fs::path(arg) / "trainer_state.json"))
      throw Error("not a checkpoint folder (no trainer_state.json)", arg);
    return arg;
  }
  auto dirs = step_dirs(run_dir);
  int64_t best_step = -1;
  std::string best;
  if (!dirs.empty()) {
    best_step = dirs.back().first;
    best = dirs.back().second.string();
  }
  fs::path fin = fs::path(run_dir) / "final";
  if (fs::exists(fin / "trainer_state.json")) {
    TrainerState s = read_trainer_state(fin.string());
    if (s.step >= best_step) best = fin.string();
  }
  if (best.empty()) throw Error("no checkpoint to resume from", run_dir, "train without --resume first");
  return best;
}

std::string params_fingerprint(const NamedTensors& params) {
  std::vector<std::string> rows;
  for (const auto& [name, t] : params) rows.push_back(name + ":" + c10::str(t.sizes()));
  std::sort(rows.begin(), rows.end());
  // FNV-1a 64: stable across builds and machines (std::hash is not).
  uint64_t h = 1469598103934665603ULL;
  for (const auto& r : rows)
    for (unsigned char ch : r + "\n") {
      h ^= ch;
      h *= 1099511628211ULL;
    }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace vlmforge
