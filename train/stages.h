// Staged freezing: which parameters train in a stage, grouped for the optimizer.
//
// Parts are named by where a parameter lives (LLaVA legacy HF names):
//   vision        vision_tower.*                      (vision.last_N: its last N encoder layers)
//   projector     multi_modal_projector.*
//   llm           language_model.* except LoRA adapters
//   lora          *.lora_A.weight / *.lora_B.weight
// Each trainable part becomes one or two optimizer groups: "<part>" (weight decay) and
// "<part>.no_decay" (biases, norms — every tensor with fewer than 2 dims).
#pragma once

#include <string>
#include <vector>

#include "models/layers/params.h"
#include "train/config/train_config.h"
#include "train/optim.h"

namespace vlmforge {

// The part a parameter belongs to ("vision", "projector", "llm", "lora"), or "" if none.
std::string param_part(const std::string& hf_name);

// Sets requires_grad on every parameter storage (true only where `stage` trains it) and returns
// the optimizer groups with the stage's learning rates (base values; the schedule scales them).
// `stage_index` is only used in error messages. Throws when a trainable part has no lr or
// matches no parameter.
std::vector<ParamGroup> plan_stage(const ParamList& params, const StageConfig& stage,
                                   size_t stage_index, int64_t num_vision_layers,
                                   double weight_decay);

// True if any stage trains LoRA adapters (so they must be attached before training).
bool stages_use_lora(const std::vector<StageConfig>& stages);

}  // namespace vlmforge
