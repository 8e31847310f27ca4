// `vlmforge train --config RECIPE.yaml [key=value ...] [--resume DIR|latest]`
#include <cstdio>

#include "train/cli/args.h"
#include "train/cli/commands.h"
#include "train/cli/common.h"
#include "train/dist/env.h"
#include "train/dist/process_group.h"
#include "train/trainer.h"

namespace vlmforge::cli {

int cmd_train(const Args& args) {
  ArgParser p("vlmforge train",
              "Train a vision-language model from a YAML recipe: staged freezing (projector, "
              "LoRA, LLM, vision), AdamW with warmup + cosine/linear decay, gradient accumulation "
              "and clipping, checkpoints with exact resume, metrics.jsonl + TensorBoard logs.");
  p.option("--resume", "DIR|latest", "resume from a checkpoint folder, or the newest one of the run");
  add_config_options(p);
  p.epilog(
      "Recipes: configs/train/tiny_cpu.yaml (from scratch, CPU), moondream1_like.yaml,\n"
      "qwen25_siglip.yaml, ruqwen25_3b_awq.yaml. The run folder (train.output_dir) gets\n"
      "step-N/ and final/ checkpoints, config.yaml, metrics.jsonl and tb/ (TensorBoard).\n"
      "Data-parallel: `vlmforge launch --nproc N -- train ...` or torchrun/Slurm variables.");
  if (!p.parse(args)) return 0;
  RootConfig cfg = load_config(p);
  if (print_config_if_asked(p, cfg)) return 0;
  if (cfg.data.train.empty()) throw Error("no training data: set data.train", "data.train");
  TrainOptions opts;
  opts.resume = p.get("--resume");
  opts.config_path = p.get("--config");
  // Data-parallel when started by `vlmforge launch`, torchrun or Slurm with more than one rank.
  dist::DistEnv env = dist::dist_env_from_process();
  std::unique_ptr<dist::Distributed> group;
  if (env.distributed()) {
    const bool cuda = cfg.train.device == "cuda" || (cfg.train.device == "auto" && torch::cuda::is_available());
    torch::Device device = cuda ? torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(env.local_rank))
                                : torch::Device(torch::kCPU);
    if (cuda) cfg.train.device = "cuda:" + std::to_string(env.local_rank);
    group = std::make_unique<dist::Distributed>(env, cfg.dist, device);
    opts.dist = group.get();
    opts.quiet = env.rank != 0;
  }
  TrainResult r = run_training(cfg, opts);
  if (env.rank != 0) return 0;
  std::printf("trained %lld steps; last checkpoint %s\n", static_cast<long long>(r.steps),
              r.last_checkpoint.c_str());
  return 0;
}

}  // namespace vlmforge::cli
