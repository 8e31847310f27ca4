// Checkpoint folders (DESIGN.md): model.safetensors (HF names), optimizer.safetensors,
// trainer_state.json, config.yaml and the tokenizer files. A checkpoint is written into
// `<name>.tmp/` and renamed when complete, so the newest visible checkpoint is always whole.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "models/io/safetensors.h"

namespace vlmforge {

struct TrainerState {
  int64_t step = 0;        // optimizer steps completed (all stages)
  int64_t stage = 0;       // index into train.stages
  int64_t stage_step = 0;  // steps completed inside the current stage
  int64_t epoch = 0;
  int64_t samples = 0;     // samples consumed (global, all ranks)
  int64_t seed = 0;        // every random draw of step t derives from (seed, t): exact resume
  int world_size = 1;
  std::string model_fingerprint;  // names + shapes of all parameters; refuses another model
  nlohmann::json loader = nlohmann::json::object();    // data-loader position
  nlohmann::json history = nlohmann::json::array();    // logged metrics, one object per record

  nlohmann::json to_json() const;
  static TrainerState from_json(const nlohmann::json& j, const std::string& where);
};

struct CheckpointContents {
  NamedTensors model;      // weights to save (trainable-only or full), HF names
  NamedTensors optimizer;  // AdamW::state_dict()
  TrainerState state;
  std::string config_yaml;               // the resolved config
  std::vector<std::string> extra_files;  // copied in as they are (tokenizer files)
};

// Writes `dir` atomically (dir.tmp + rename; an existing `dir` is replaced).
void save_checkpoint(const std::string& dir, const CheckpointContents& c);

TrainerState read_trainer_state(const std::string& dir);

// "step-000120" for step 120.
std::string step_dir_name(int64_t step);
// Deletes all but the newest `keep` step-* folders in `run_dir` (never `final`).
void prune_checkpoints(const std::string& run_dir, int keep);
// Resolves --resume: a checkpoint folder, or "latest" = newest complete step-* / final in run_dir.
// Throws if nothing is found.
std::string resolve_resume(const std::string& arg, const std::string& run_dir);

// Fingerprint of a parameter set: hash over sorted (name, shape, dtype).
std::string params_fingerprint(const NamedTensors& params);

}  // namespace vlmforge
