#include "train/trainer.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>

#include "data/collate/collate.h"
#include "data/dataset/dataset.h"
#include "data/loader/loader.h"
#include "data/loader/sample_trace.h"
#include "models/core/error.h"
#include "models/core/fs.h"
#include "models/layers/autocast.h"
#include "models/layers/checkpoint.h"
#include "models/layers/lora.h"
#include "eval/questions.h"
#include "eval/report.h"
#include "train/answerer.h"
#include "train/checkpoint.h"
#include "train/dist/grad_sync.h"
#include "train/dist/process_group.h"
#include "train/logging/metrics_log.h"
#include "train/logging/progress.h"
#include "train/logging/tensorboard.h"
#include "train/model_setup.h"
#include "train/optim.h"
#include "train/stages.h"

namespace vlmforge {
namespace fs = std::filesystem;
using data::TrainBatch;

namespace {

torch::Device resolve_device(const std::string& name) {
  if (name == "cpu") return torch::kCPU;
  if (name.rfind("cuda:", 0) == 0) {  // set per rank by the data-parallel launcher
    if (!torch::cuda::is_available()) throw Error("CUDA requested but not available", "train.device");
    return torch::Device(name);
  }
  if (name == "cuda") {
    if (!torch::cuda::is_available()) throw Error("CUDA requested but not available", "train.device");
    return torch::kCUDA;
  }
  if (name == "auto") return torch::cuda::is_available() ? torch::kCUDA : torch::kCPU;
  throw Error("unknown device '" + name + "'", "train.device", "use auto, cpu or cuda");
}

// Next-token targets the loss sees: labels[:, 1:] that are not -100.
int64_t supervised_tokens(const TrainBatch& b) {
  return b.labels.narrow(1, 1, b.labels.size(1) - 1).ne(-100).sum().item<int64_t>();
}

VlmInputs to_inputs(const TrainBatch& b, torch::Device device, bool packed) {
  VlmInputs in;
  in.input_ids = b.input_ids.to(device);
  in.attention_mask = b.attention_mask.to(device);
  in.labels = b.labels.to(device);
  if (packed) {
    in.position_ids = b.position_ids.to(device);
    in.sequence_ids = b.sequence_ids.to(device);
  }
  if (b.pixel_values.defined() && b.pixel_values.numel() > 0) in.pixel_values = b.pixel_values.to(device);
  return in;
}

// Seed of micro-step k of optimizer step t: the run's randomness is a function of (seed, t, k).
uint64_t step_seed(int64_t seed, int64_t step, int64_t micro) {
  uint64_t h = static_cast<uint64_t>(seed) * 0x9E3779B97F4A7C15ULL;
  h ^= static_cast<uint64_t>(step) + 0x632BE59BD9B4E019ULL + (h << 6) + (h >> 2);
  h ^= static_cast<uint64_t>(micro) + 0x8CB92BA72F3D8DD7ULL + (h << 6) + (h >> 2);
  return h;
}

struct StagePlanInfo {
  int64_t total = 0;  // optimizer steps in the stage
};

class Run {
 public:
  Run(RootConfig cfg, const TrainOptions& opts) : cfg_(std::move(cfg)), opts_(opts) {}
  TrainResult go();

 private:
  void setup_stage(size_t i);
  double validation_loss();
  void generation_eval();
  void save(const std::string& dir);
  NamedTensors weights_to_save();
  void log_scalars(const std::map<std::string, double>& values, const std::string& split);

  RootConfig cfg_;
  TrainOptions opts_;
  torch::Device device_ = torch::kCPU;
  ModelBundle bundle_;
  ParamList params_;
  std::unique_ptr<data::Dataset> train_ds_, val_ds_;
  std::unique_ptr<data::Collator> collator_;
  std::unique_ptr<data::DataLoader<TrainBatch>> loader_;
  std::vector<StagePlanInfo> stages_;
  AdamW opt_{AdamWOptions{}};
  std::map<std::string, double> base_lr_;  // group -> stage lr
  std::set<std::string> trained_parts_;
  TrainerState st_;
  std::unique_ptr<train::MetricsLog> metrics_;
  std::unique_ptr<train::TensorBoardWriter> tb_;
  bool rank0_ = true;
  bool bf16_ = false;  // train.precision resolved: bf16 autocast with fp32 trainable weights
  // Forwards run under this (autocast on when bf16_); backward runs outside it, as with torch.autocast.
  AutocastState compute_precision() const {
    return bf16_ ? AutocastState::lower_precision(device_, torch::kBFloat16) : AutocastState{};
  }
  dist::Distributed* dist_ = nullptr;  // active group or null
  std::unique_ptr<dist::GradientBucketer> sync_;
  void rebuild_sync();
};

// Gradient buckets follow the trainable set, so they are rebuilt whenever a stage begins.
void Run::rebuild_sync() {
  if (!dist_) return;
  sync_.reset();
  std::vector<torch::Tensor> trainable;
  for (const auto& g : opt_.groups())
    for (const auto& p : g.params) trainable.push_back(p.param);
  sync_ = std::make_unique<dist::GradientBucketer>(*dist_, trainable, cfg_.dist.bucket_mb);
}

void Run::setup_stage(size_t i) {
  const StageConfig& s = cfg_.train.stages[i];
  auto groups = plan_stage(params_, s, i, bundle_.model->vision.config.num_layers, cfg_.train.weight_decay);
  if (bf16_) {
    // Master weights: what trains in this stage is held in fp32 (frozen parts keep model.dtype).
    // Storages converted here had no optimizer state, so plan again to hand the new tensors over.
    ParamList to_fp32;
    for (const auto& slot : params_)
      if (slot.storage->requires_grad() && slot.storage->scalar_type() != torch::kFloat32) to_fp32.push_back(slot);
    if (!to_fp32.empty()) {
      convert_params(to_fp32, torch::TensorOptions(torch::kFloat32));
      groups = plan_stage(params_, s, i, bundle_.model->vision.config.num_layers, cfg_.train.weight_decay);
    }
  }
  base_lr_.clear();
  for (const auto& g : groups) base_lr_[g.name] = g.lr;
  for (const auto& t : s.trainable) trained_parts_.insert(t.rfind("vision", 0) == 0 ? "vision" : t);
  opt_.set_groups(std::move(groups));
  rebuild_sync();
}

NamedTensors Run::weights_to_save() {
  std::set<std::string> parts = trained_parts_;
  parts.insert("projector");
  if (bundle_.from_scratch_vision) parts.insert("vision");
  if (bundle_.from_scratch_llm) parts.insert("llm");
  NamedTensors out;
  for (const auto& slot : params_)
    if (cfg_.train.save_full_weights || parts.count(param_part(slot.name)))
      out.emplace_back(slot.name, slot.view());
  return out;
}

void Run::save(const std::string& dir) {
  // Every rank reaches this point at the same step; only rank 0 writes, the others wait for it.
  if (!rank0_) {
    if (dist_) dist_->barrier("checkpoint " + dir);
    return;
  }
  CheckpointContents c;
  c.model = weights_to_save();
  c.optimizer = opt_.state_dict();
  st_.loader = nlohmann::json::parse(loader_->position().to_json());
  st_.world_size = dist_ ? dist_->world_size() : 1;
  c.state = st_;
  RootConfig saved = cfg_;
  saved.data.tokenizer = fs::path(bundle_.tokenizer_file).filename().string();
  saved.data.tokenizer_vocab = 0;
  saved.model.checkpoint.clear();
  c.config_yaml = config::dump_root(saved);
  c.extra_files = {bundle_.tokenizer_file};
  save_checkpoint(dir, c);
  if (dist_) dist_->barrier("checkpoint " + dir);
}

double Run::validation_loss() {
  if (!val_ds_ || val_ds_->size() == 0) return -1;
  torch::NoGradGuard no_grad;
  LinearList llm = bundle_.llm_linears();
  set_lora_training(llm, false);
  data::LoaderOptions lo;
  lo.batch_size = cfg_.train.batch_size;
  lo.shuffle = false;
  lo.drop_last = false;
  if (dist_) {
    lo.rank = dist_->rank();
    lo.world_size = dist_->world_size();
  }
  lo.num_workers = cfg_.data.num_workers;
  lo.prefetch = cfg_.data.prefetch;
  data::DataLoader<TrainBatch> loader(*val_ds_, [this](std::vector<data::Sample> s) { return (*collator_)(std::move(s)); }, lo);
  double sum = 0;
  int64_t tokens = 0;
  while (auto b = loader.next()) {
    int64_t n = supervised_tokens(*b);
    if (n == 0) continue;
    AutocastScope precision(compute_precision());
    VlmOutputs out = bundle_.model->forward(to_inputs(*b, device_, cfg_.data.packing));
    sum += out.loss.item<double>() * static_cast<double>(n);
    tokens += n;
  }
  set_lora_training(llm, true);
  if (dist_) {
    auto totals = dist_->all_reduce_sum(std::vector<double>{sum, static_cast<double>(tokens)});
    sum = totals[0];
    tokens = static_cast<int64_t>(totals[1]);
  }
  return tokens > 0 ? sum / static_cast<double>(tokens) : -1;
}

// Periodic generation-based evaluation (rank 0): the first train.eval_questions questions of the
// validation set answered greedily and scored as `vlmforge eval` does.
void Run::generation_eval() {
  if (!rank0_ || cfg_.train.eval_questions <= 0 || !val_ds_ || val_ds_->size() == 0) return;
  EvalSet set = load_eval_set(*val_ds_);
  auto questions = eval::collect_questions(set.records, cfg_.train.eval_questions, val_ds_->description());
  LinearList llm = bundle_.llm_linears();
  set_lora_training(llm, false);
  AutocastScope precision(compute_precision());  // mixed-dtype weights need it under bf16
  VlmAnswerer answerer(bundle_, cfg_.data.chat, cfg_.eval.max_new_tokens);
  auto answer = answer_fn(answerer, set.samples);
  auto preds = eval::evaluate_questions(questions, cfg_.eval.batch_size, answer, cfg_.eval.anls_threshold);
  set_lora_training(llm, true);
  nlohmann::json m = eval::metrics_json(preds, cfg_.eval.anls_threshold);
  std::map<std::string, double> values;
  for (const char* k : {"anls", "exact_match", "numeric_match", "cer"}) values[k] = m["overall"][k].get<double>();
  log_scalars(values, "val_generation");
}

void Run::log_scalars(const std::map<std::string, double>& values, const std::string& split) {
  if (!rank0_) return;
  metrics_->log(st_.step, values, split);
  for (const auto& [k, v] : values) tb_->add_scalar(split + "/" + k, v, st_.step);
  nlohmann::json rec = {{"step", st_.step}, {"split", split}};
  for (const auto& [k, v] : values) rec[k] = v;
  st_.history.push_back(rec);
}

TrainResult Run::go() {
  device_ = resolve_device(cfg_.train.device);
  if (opts_.dist && opts_.dist->active()) {
    dist_ = opts_.dist;
    rank0_ = dist_->is_main();
  }
  if (cfg_.train.stages.empty()) throw Error("no stages", "train.stages");
  const std::string& precision = cfg_.train.precision;
  if (precision != "auto" && precision != "fp32" && precision != "bf16")
    throw Error("unknown precision '" + precision + "'", "train.precision", "auto | fp32 | bf16");
  bf16_ = precision == "bf16" || (precision == "auto" && device_.is_cuda());
  const CheckpointPolicy recompute =
      CheckpointPolicy::parse(cfg_.train.activation_checkpointing, "train.activation_checkpointing");
  if (cfg_.train.batch_size < 1 || cfg_.train.grad_accum < 1)
    throw Error("batch_size and grad_accum must be >= 1", "train.batch_size");
  const std::string run_dir = cfg_.train.output_dir;
  fs::create_directories(run_dir);

  // Resume: the checkpoint's tokenizer (e.g. the SentencePiece model trained at the start).
  std::string resume_dir;
  if (!opts_.resume.empty()) {
    resume_dir = resolve_resume(opts_.resume, run_dir);
    for (const char* f : {"tokenizer.json", "tokenizer.model"})
      if (fs::exists(fs::path(resume_dir) / f)) cfg_.data.tokenizer = (fs::path(resume_dir) / f).string();
  } else if (cfg_.data.tokenizer.empty() && cfg_.data.tokenizer_vocab > 0) {
    cfg_.data.tokenizer = (fs::path(run_dir) / "tokenizer.model").string();
  }

  bundle_ = build_bundle(cfg_, stages_use_lora(cfg_.train.stages));
  if (device_ != torch::Device(torch::kCPU)) bundle_.model->to(torch::TensorOptions().device(device_));
  // fp32 computes with fp32 weights throughout; bf16 converts trainable storages per stage.
  if (!bf16_ && bundle_.model->llm.embed_tokens.scalar_type() != torch::kFloat32)
    bundle_.model->to(torch::TensorOptions(torch::kFloat32));
  bundle_.model->vision.activation_checkpointing = recompute.vision;
  bundle_.model->llm.activation_checkpointing = recompute.llm;
  params_ = bundle_.model->named_parameters();
  if (dist_) {
    // Rank 0's initial weights everywhere (from-scratch parts, LoRA A).
    std::vector<torch::Tensor> storages;
    for (torch::Tensor* t : unique_storages(params_)) storages.push_back(*t);
    dist_->broadcast(storages);
  }
  NamedTensors all;
  for (const auto& s : params_) all.emplace_back(s.name, s.view());
  st_.model_fingerprint = params_fingerprint(all);
  st_.seed = cfg_.train.seed;

  // Data.
  train_ds_ = data::open_dataset(cfg_.data.train, cfg_.data.format, "train");
  if (train_ds_->size() == 0) throw Error("the training set is empty", cfg_.data.train);
  if (!cfg_.data.val.empty()) {
    val_ds_ = data::open_dataset(cfg_.data.val, cfg_.data.format, "");
  } else {
    try {
      val_ds_ = data::open_dataset(cfg_.data.train, cfg_.data.format, "val");
    } catch (const Error&) {
      val_ds_.reset();  // no val split in the training folder: validation is off
    }
  }
  data::CollateOptions co;
  co.max_length = cfg_.data.max_length;
  co.overlong = cfg_.data.overlong;
  co.packing = cfg_.data.packing;
  collator_ = std::make_unique<data::Collator>(
      bundle_.tokenizer, cfg_.data.chat,
      image::ImageProcessorConfig::siglip(static_cast<int>(bundle_.image_size())), co);
  data::LoaderOptions lo;
  lo.batch_size = cfg_.train.batch_size;
  lo.grad_accum = cfg_.train.grad_accum;  // epochs are whole global batches (data/loader/sampler.h)
  lo.seed = static_cast<uint64_t>(cfg_.train.seed);
  lo.shuffle = cfg_.data.shuffle;
  lo.num_workers = cfg_.data.num_workers;
  lo.prefetch = cfg_.data.prefetch;
  if (dist_) {
    lo.rank = dist_->rank();
    lo.world_size = dist_->world_size();
  }
  loader_ = std::make_unique<data::DataLoader<TrainBatch>>(
      *train_ds_, [this](std::vector<data::Sample> s) { return (*collator_)(std::move(s)); }, lo);

  const int64_t accum = cfg_.train.grad_accum;
  const int64_t steps_per_epoch =
      std::max<int64_t>(1, static_cast<int64_t>(loader_->batches_per_epoch()) / accum);
  int64_t total_steps = 0;
  for (size_t i = 0; i < cfg_.train.stages.size(); ++i) {
    const auto& s = cfg_.train.stages[i];
    StagePlanInfo p;
    p.total = s.steps > 0 ? s.steps : static_cast<int64_t>(std::ceil(s.epochs * steps_per_epoch));
    if (p.total <= 0)
      throw Error("stage has no length (set steps or epochs)", "train.stages[" + std::to_string(i) + "]");
    stages_.push_back(p);
    total_steps += p.total;
  }

  opt_ = AdamW(AdamWOptions{cfg_.train.beta1, cfg_.train.beta2, cfg_.train.eps});
  if (!resume_dir.empty()) {
    TrainerState saved = read_trainer_state(resume_dir);
    if (saved.model_fingerprint != st_.model_fingerprint)
      throw Error("checkpoint was trained with another model (parameter names/shapes differ)",
                  resume_dir, "resume with the config the checkpoint was made with");
    const std::string weights_file = (fs::path(resume_dir) / "model.safetensors").string();
    if (bf16_) {
      // fp32 master weights saved by a bf16 run go back into fp32 storages, not through bf16.
      auto wf = SafetensorsFile::open(weights_file);
      std::set<std::string> fp32_names;
      for (const auto& e : wf->entries())
        if (e.dtype == "F32") fp32_names.insert(e.name);
      ParamList to_fp32;
      for (const auto& slot : params_)
        if (fp32_names.count(slot.name) && slot.storage->scalar_type() != torch::kFloat32) to_fp32.push_back(slot);
      convert_params(to_fp32, torch::TensorOptions(torch::kFloat32));
    }
    load_weights_into(*bundle_.model, weights_file);
    st_ = saved;
    for (size_t i = 0; i < static_cast<size_t>(st_.stage) && i < cfg_.train.stages.size(); ++i)
      for (const auto& t : cfg_.train.stages[i].trainable)
        trained_parts_.insert(t.rfind("vision", 0) == 0 ? "vision" : t);
  }
  if (st_.stage < static_cast<int64_t>(stages_.size())) setup_stage(static_cast<size_t>(st_.stage));
  if (!resume_dir.empty()) {
    auto of = SafetensorsFile::open((fs::path(resume_dir) / "optimizer.safetensors").string());
    opt_.load_state_dict(*of);
    loader_->restore(data::LoaderPosition::from_json(st_.loader.dump(), resume_dir + "/trainer_state.json"));
    st_.epoch = loader_->position().epoch;  // the saved position may already be the next epoch's start
  }

  if (rank0_) {
    metrics_ = std::make_unique<train::MetricsLog>((fs::path(run_dir) / "metrics.jsonl").string());
    tb_ = std::make_unique<train::TensorBoardWriter>((fs::path(run_dir) / "tb").string());
    write_file_atomic((fs::path(run_dir) / "config.yaml").string(), config::dump_root(cfg_));
  }
  // Ranks other than 0 and quiet runs print nothing.
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> devnull(std::fopen("/dev/null", "w"), &std::fclose);
  train::ProgressBar bar(total_steps, st_.step, opts_.quiet ? devnull.get() : stdout,
                         opts_.quiet ? 0 : -1, cfg_.train.log_every);

  TrainResult result;
  int64_t run_steps = 0;
  double log_loss = 0;
  int64_t log_count = 0;
  auto t_log = std::chrono::steady_clock::now();
  int64_t log_samples = 0, log_tokens = 0;
  bundle_.model->llm.embed_tokens.options();
  data::SampleTrace trace(dist_ ? dist_->rank() : 0);

  while (st_.stage < static_cast<int64_t>(stages_.size())) {
    const StagePlanInfo& sp = stages_[static_cast<size_t>(st_.stage)];
    if (st_.stage_step >= sp.total) {
      st_.stage += 1;
      st_.stage_step = 0;
      if (st_.stage < static_cast<int64_t>(stages_.size())) {
        setup_stage(static_cast<size_t>(st_.stage));
        if (!opts_.quiet) bar.message("stage " + cfg_.train.stages[static_cast<size_t>(st_.stage)].name);
      }
      continue;
    }
    // One optimizer step: grad_accum micro-batches, each weighted by its share of tokens.
    std::vector<TrainBatch> micro;
    for (int64_t k = 0; k < accum; ++k) {
      auto b = loader_->next();
      if (!b) {
        st_.epoch += 1;
        b = loader_->next();
      }
      trace.add(st_.step, k * (dist_ ? dist_->world_size() : 1) + (dist_ ? dist_->rank() : 0), b->sample_ids);
      micro.push_back(std::move(*b));
    }
    std::vector<int64_t> sup;
    int64_t local_sup = 0, step_samples = 0, step_tokens = 0;
    for (const auto& b : micro) {
      sup.push_back(supervised_tokens(b));
      local_sup += sup.back();
      step_samples += b.num_samples;
      step_tokens += b.num_tokens;
    }
    // Each micro-batch's mean loss is weighted by its share of the step's supervised tokens over
    // all ranks; the bucketer averages gradients over ranks, hence the factor world_size.
    const int world = dist_ ? dist_->world_size() : 1;
    double total_sup = static_cast<double>(local_sup);
    if (dist_) {
      auto t = dist_->all_reduce_sum(std::vector<double>{total_sup, static_cast<double>(step_samples),
                                                         static_cast<double>(step_tokens)});
      total_sup = t[0];
      step_samples = static_cast<int64_t>(t[1]);
      step_tokens = static_cast<int64_t>(t[2]);
    }
    double step_loss = 0;
    if (total_sup > 0) {
      for (size_t k = 0; k < micro.size(); ++k) {
        std::unique_ptr<dist::GradientBucketer::NoSync> hold;
        if (sync_ && k + 1 < micro.size()) hold = sync_->no_sync();
        if (sup[k] == 0) continue;
        // Seeded by the micro-batch's block of the global batch (k·W + r, sampler.h), so its
        // dropout does not depend on how the global batch is split over ranks.
        torch::manual_seed(step_seed(st_.seed, st_.step, static_cast<int64_t>(k) * world + (dist_ ? dist_->rank() : 0)));
        VlmOutputs out;
        {
          AutocastScope precision(compute_precision());
          out = bundle_.model->forward(to_inputs(micro[k], device_, cfg_.data.packing));
        }
        const double w = static_cast<double>(sup[k]) * world / total_sup;
        (out.loss * w).backward();
        step_loss += out.loss.item<double>() * static_cast<double>(sup[k]) / total_sup;
      }
    }
    if (sync_) sync_->finish();
    if (dist_) {
      step_loss = dist_->all_reduce_sum(step_loss);
      // Every rank agrees to stop on a non-finite loss (all_reduce of NaN is NaN everywhere).
    }
    if (!std::isfinite(step_loss)) {
      std::string last = result.last_checkpoint.empty() ? "none written in this run" : result.last_checkpoint;
      throw Error("loss is " + std::to_string(step_loss) + " at step " + std::to_string(st_.step + 1) +
                      "; training stopped",
                  run_dir, "last good checkpoint: " + last + "; lower the learning rate?");
    }
    std::vector<torch::Tensor> trainable;
    for (const auto& g : opt_.groups())
      for (const auto& p : g.params) trainable.push_back(p.param);
    const double grad_norm = clip_grad_norm(trainable, cfg_.train.max_grad_norm);
    const StageConfig& sc = cfg_.train.stages[static_cast<size_t>(st_.stage)];
    const double mult = lr_multiplier(cfg_.train.schedule, st_.stage_step, sp.total, sc.warmup_steps,
                                      cfg_.train.min_lr_ratio);
    double shown_lr = 0;
    for (auto& g : opt_.groups()) {
      g.lr = base_lr_[g.name] * mult;
      shown_lr = std::max(shown_lr, g.lr);
    }
    opt_.step();
    opt_.zero_grad();
    st_.step += 1;
    st_.stage_step += 1;
    st_.samples += step_samples;
    ++run_steps;
    result.step_losses.push_back(step_loss);

    log_loss += step_loss;
    ++log_count;
    log_samples += step_samples;
    log_tokens += step_tokens;
    bar.update(st_.step, step_loss, shown_lr, step_samples, step_tokens);
    if (st_.step % std::max<int64_t>(1, cfg_.train.log_every) == 0) {
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_log).count();
      log_scalars({{"loss", log_loss / static_cast<double>(log_count)},
                   {"lr", shown_lr},
                   {"grad_norm", grad_norm},
                   {"samples_per_s", static_cast<double>(log_samples) / std::max(secs, 1e-9)},
                   {"tokens_per_s", static_cast<double>(log_tokens) / std::max(secs, 1e-9)},
                   {"epoch", static_cast<double>(st_.epoch)}},
                  "train");
      log_loss = 0;
      log_count = log_samples = log_tokens = 0;
      t_log = std::chrono::steady_clock::now();
    }
    if (cfg_.train.eval_every > 0 && st_.step % cfg_.train.eval_every == 0) {
      double vl = validation_loss();
      if (vl >= 0) {
        result.last_val_loss = vl;
        log_scalars({{"loss", vl}}, "val");
        if (!opts_.quiet) bar.message("step " + std::to_string(st_.step) + ": val loss " + std::to_string(vl));
      }
      generation_eval();
    }
    const bool stop = cfg_.train.stop_after > 0 && run_steps >= cfg_.train.stop_after;
    if ((cfg_.train.save_every > 0 && st_.step % cfg_.train.save_every == 0) || stop) {
      std::string dir = (fs::path(run_dir) / step_dir_name(st_.step)).string();
      save(dir);
      prune_checkpoints(run_dir, cfg_.train.keep_last);
      result.last_checkpoint = dir;
    }
    if (stop) {
      result.stopped_early = true;
      break;
    }
  }
  bar.finish();
  if (!result.stopped_early) {
    double vl = validation_loss();
    if (vl >= 0) {
      result.last_val_loss = vl;
      log_scalars({{"loss", vl}}, "val");
      if (!opts_.quiet) std::printf("final validation loss %.4f\n", vl);
    }
    if (cfg_.train.eval_every <= 0 || st_.step % cfg_.train.eval_every != 0) generation_eval();
    std::string dir = (fs::path(run_dir) / "final").string();
    save(dir);
    result.last_checkpoint = dir;
  }
  result.steps = st_.step;
  return result;
}

}  // namespace

TrainResult run_training(RootConfig cfg, const TrainOptions& opts) {
  Run run(std::move(cfg), opts);
  TrainResult r = run.go();
  if (opts.dist && opts.dist->active()) opts.dist->shutdown();
  return r;
}

}  // namespace vlmforge
