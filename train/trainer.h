// The training recipe: model + tokenizer (train/model_setup.h), data loader, staged freezing,
// AdamW with warmup + decay per stage, gradient accumulation and clipping, periodic validation,
// checkpoints with exact resume, and logging (progress bar, metrics.jsonl, TensorBoard).
//
// One optimizer step = grad_accum micro-batches. The loss of a step is the mean over all
// supervised tokens of all its micro-batches (each micro-batch's mean is weighted by its share of
// tokens), so accumulation k × batch b trains exactly like batch k·b.
// Every random draw of step t (dropout) derives from (train.seed, t, micro-batch block): resuming
// at step t reproduces the uninterrupted run bit for bit on the same machine and world size. With
// another world size and the same global batch the samples of every step are the same and the
// weights agree within fp32 reduction order (docs/distributed.md, "Resume").
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "train/config/config.h"

namespace vlmforge {

namespace dist {
class Distributed;
}

struct TrainOptions {
  std::string resume;  // checkpoint folder, "latest", or empty
  std::string config_path;
  dist::Distributed* dist = nullptr;  // data-parallel group (null or inactive = one process)
  bool quiet = false;           // no progress bar (tests)
};

struct TrainResult {
  int64_t steps = 0;                 // optimizer steps completed in total
  std::vector<double> step_losses;   // loss of each step run in this invocation
  double last_val_loss = -1;         // < 0: no validation ran
  std::string last_checkpoint;       // folder of the last checkpoint written
  bool stopped_early = false;        // train.stop_after reached
};

TrainResult run_training(RootConfig cfg, const TrainOptions& opts);

}  // namespace vlmforge
