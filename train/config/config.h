// The root config: one YAML file may hold every section; each subcommand reads the sections it
// needs. `load_root` applies, in order: defaults (in the structs), the file, `key=value` overrides.
#pragma once

#include <string>
#include <vector>

#include "data/config.h"
#include "eval/config.h"
#include "models/config.h"
#include "synth/config.h"
#include "train/config/binding.h"
#include "train/config/train_config.h"
#include "train/dist/config.h"

namespace vlmforge {

struct RootConfig {
  ModelConfig model;
  DataConfig data;
  TrainConfig train;
  synth::SynthConfig synth;
  EvalConfig eval;
  ExportConfig export_;
  dist::DistConfig dist;

  template <class V>
  void visit(V& v) {
    v("model", model, "vision encoder, projector, LLM: sources and architecture");
    v("data", data, "datasets, tokenizer, chat template, loader");
    v("train", train, "optimisation, stages, LoRA, checkpoints, logging");
    v("synth", synth, "synthetic document generation");
    v("eval", eval, "generation-based evaluation");
    v("export", export_, "Hugging Face export");
    v("dist", dist, "data-parallel training (c10d: Gloo on CPU, NCCL on CUDA)");
  }
};

namespace config {

// Throws vlmforge::Error naming `file:line: key.path` (or the override) on any problem.
RootConfig load_root(const std::string& yaml_path, const std::vector<std::string>& overrides);
std::string dump_root(const RootConfig& cfg);

}  // namespace config
}  // namespace vlmforge
