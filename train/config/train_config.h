// Configuration of training (root key `train`) and export (root key `export`).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace vlmforge {

struct LoraConfig {
  int r = 16;
  double alpha = 32.0;
  double dropout = 0.0;
  bool rslora = false;  // scale alpha/sqrt(r) instead of alpha/r
  // Regex over Hugging Face parameter-module names of the LLM, e.g. `.*\.(q_proj|v_proj)`.
  std::string target = R"(.*\.(q_proj|k_proj|v_proj|o_proj|dense|gate_proj|up_proj|down_proj|fc1|fc2))";

  template <class V>
  void visit(V& v) {
    v("r", r, "LoRA rank");
    v("alpha", alpha, "LoRA alpha; scaling = alpha / r (alpha / sqrt(r) with rslora)");
    v("dropout", dropout, "dropout on the LoRA input");
    v("rslora", rslora, "rank-stabilised scaling alpha / sqrt(r)");
    v("target", target, "regex over the LLM's linear module names (HF names)");
  }
};

// One stage of staged freezing: what trains, for how long, and at which learning rates.
struct StageConfig {
  std::string name = "stage";
  int64_t steps = 0;   // optimizer steps; 0 = use epochs
  double epochs = 0;   // used when steps == 0
  // Parts that train: any of vision, vision.last_N (last N encoder layers), projector, llm, lora.
  std::vector<std::string> trainable = {"projector"};
  std::map<std::string, double> lr = {{"projector", 1e-3}};  // per parameter group
  int64_t warmup_steps = 0;

  template <class V>
  void visit(V& v) {
    v("name", name, "label shown in logs");
    v("steps", steps, "length in optimizer steps (0 = use epochs)");
    v("epochs", epochs, "length in epochs when steps is 0");
    v("trainable", trainable, "parts that train: vision, vision.last_N, projector, llm, lora");
    v("lr", lr, "learning rate per group (vision, projector, llm, lora)");
    v("warmup_steps", warmup_steps, "linear warmup at the start of the stage");
  }
};

struct TrainConfig {
  std::string output_dir = "checkpoints/run";
  int64_t seed = 42;
  int batch_size = 8;          // per rank, per micro-step
  int grad_accum = 1;          // micro-steps per optimizer step
  std::string schedule = "cosine";  // cosine | linear | constant (after warmup)
  double min_lr_ratio = 0.1;   // cosine/linear end at lr * min_lr_ratio
  double weight_decay = 0.0;   // AdamW; never applied to norms and biases
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  double max_grad_norm = 1.0;  // 0 disables clipping
  // auto = bf16 on CUDA, fp32 on CPU | fp32 (weights converted to fp32 if model.dtype differs) |
  // bf16 (autocast: matmuls in bf16, trainable weights and optimizer state fp32, loss fp32;
  // frozen weights stay in model.dtype, so model.dtype bf16 halves their memory).
  std::string precision = "auto";
  std::string activation_checkpointing = "none";  // none | vision | llm | all (false/true)
  std::string device = "auto";  // auto | cpu | cuda
  int64_t log_every = 10;
  int64_t save_every = 0;      // 0 = only at the end
  int keep_last = 3;
  int64_t eval_every = 0;      // validation loss every N steps (0 = end only)
  int64_t eval_questions = 0;  // > 0: also answer this many val questions by generation (ANLS)
  int64_t stop_after = 0;      // > 0: stop (with a checkpoint) after this many steps in this run
  bool save_full_weights = false;  // checkpoints hold every weight, not only trained ones
  std::vector<StageConfig> stages = {StageConfig{}};
  LoraConfig lora;

  template <class V>
  void visit(V& v) {
    v("output_dir", output_dir, "run folder: checkpoints, metrics.jsonl, TensorBoard events");
    v("seed", seed, "seed for init, data order and dropout");
    v("batch_size", batch_size, "samples per rank per micro-step");
    v("grad_accum", grad_accum, "micro-steps per optimizer step");
    v("schedule", schedule, "cosine | linear | constant, after each stage's warmup");
    v("min_lr_ratio", min_lr_ratio, "final lr as a fraction of the stage's lr");
    v("weight_decay", weight_decay, "AdamW decoupled weight decay (not on norms/biases)");
    v("beta1", beta1, "AdamW beta1");
    v("beta2", beta2, "AdamW beta2");
    v("eps", eps, "AdamW epsilon");
    v("max_grad_norm", max_grad_norm, "global gradient-norm clip (0 = off)");
    v("precision", precision, "auto (bf16 on CUDA, fp32 on CPU) | fp32 | bf16 (autocast, fp32 trainable weights)");
    v("activation_checkpointing", activation_checkpointing, "recompute layer activations in backward: none | vision | llm | all");
    v("device", device, "auto | cpu | cuda");
    v("log_every", log_every, "steps between log lines / metrics records");
    v("save_every", save_every, "steps between checkpoints (0 = only the final one)");
    v("keep_last", keep_last, "step checkpoints kept (older ones are deleted)");
    v("eval_every", eval_every, "steps between validation runs (0 = only at the end)");
    v("eval_questions", eval_questions, "val questions answered by generation at each validation, scored like `vlmforge eval` (0 = loss only)");
    v("stop_after", stop_after, "stop after this many steps in this invocation, saving a checkpoint (resume later)");
    v("save_full_weights", save_full_weights, "save every weight in checkpoints (default: only parts trained so far, plus from-scratch parts)");
    v("stages", stages, "staged freezing: list of stages run in order");
    v("lora", lora, "LoRA adapters on the LLM (used by stages that train `lora`)");
  }
};

struct ExportConfig {
  std::string format = "hf-llava";  // hf-llava | peft-lora
  std::string out = "";
  std::string dtype = "auto";       // auto (as trained) | fp32 | bf16 | fp16
  int64_t max_shard_mb = 4096;      // shard model.safetensors above this size

  template <class V>
  void visit(V& v) {
    v("format", format, "hf-llava | peft-lora");
    v("out", out, "output folder");
    v("dtype", dtype, "auto | fp32 | bf16 | fp16");
    v("max_shard_mb", max_shard_mb, "shard weights into files of at most this many MB");
  }
};

}  // namespace vlmforge
