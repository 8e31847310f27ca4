// One training configuration timed step by step: the vlmforge side of bench/train/train_vs_hf.py.
// Loads the LLaVA folder transformers wrote (same random weights as the peer), attaches LoRA with
// PEFT's own initial weights (LoRA mode) or trains the whole LLM (full mode), and runs AdamW steps
// on one fixed batch exactly as the trainer does (forward, backward, global-norm clipping, step).
// Prints one JSON object: per-step seconds and losses, and the process's peak RSS.
//
//   bench_train_step --model DIR --batch FILE.safetensors --mode lora|full
//       [--lora-init FILE] [--lora-r 16] [--lora-alpha 32] [--steps 3] [--warmup 1]
//       [--lr 1e-4] [--threads 0] [--device cpu|cuda] [--dtype fp32|bf16] [--trace FILE.json]
#include "models/core/error.h"
#include "models/io/safetensors.h"
#include "models/layers/lora.h"
#include "models/loader.h"
#include "train/model_setup.h"
#include "train/optim.h"
#include "train/stages.h"

#include <sys/resource.h>
#include <torch/csrc/autograd/profiler_kineto.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

using namespace vlmforge;

namespace {

// The LoRA targets of the benchmark: every attention and MLP linear of the LLM (Qwen2/Llama and
// Phi names), the same regex the peer gives PEFT.
constexpr const char* kLoraTargets =
    R"(language_model\..*\.(q_proj|k_proj|v_proj|o_proj|gate_proj|up_proj|down_proj|dense|fc1|fc2))";

double peak_rss_mib() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;  // Linux: KiB
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> opt = {
      {"--mode", "lora"}, {"--lora-init", ""},   {"--lora-r", "16"},   {"--lora-alpha", "32"},
      {"--steps", "3"},   {"--warmup", "1"},     {"--lr", "1e-4"},     {"--threads", "0"},
      {"--device", "cpu"}, {"--dtype", "fp32"}, {"--model", ""},      {"--batch", ""},
      {"--trace", ""}};
  for (int i = 1; i < argc; ++i) {
    const std::string key = argv[i];
    if (key == "--help" || key == "-h") {
      std::printf("usage: bench_train_step --model DIR --batch FILE --mode lora|full [options]\n");
      return 0;
    }
    if (!opt.count(key) || i + 1 >= argc) {
      std::fprintf(stderr, "bench_train_step: unknown option or missing value: %s\n", key.c_str());
      return 2;
    }
    opt[key] = argv[++i];
  }
  try {
    const int threads = std::stoi(opt["--threads"]);
    if (threads > 0) at::set_num_threads(threads);
    const torch::Device device(opt["--device"]);
    const auto dtype = parse_dtype(opt["--dtype"], "--dtype");
    const bool lora = opt["--mode"] == "lora";
    if (!lora && opt["--mode"] != "full")
      throw Error("unknown mode '" + opt["--mode"] + "'", "--mode", "use lora or full");

    auto model = load_llava(opt["--model"], dtype);
    if (lora) {
      LinearList llm;
      for (auto& l : model->named_linears())
        if (l.name.rfind("language_model.", 0) == 0) llm.push_back(l);
      LoraSpec spec{std::stoll(opt["--lora-r"]), std::stod(opt["--lora-alpha"]), 0.0, false};
      apply_lora(llm, kLoraTargets, spec, at::detail::createCPUGenerator(0));
      if (!opt["--lora-init"].empty()) load_weights_into(*model, opt["--lora-init"]);
    }
    model->to(torch::TensorOptions().device(device));

    ParamList params = model->named_parameters();
    StageConfig stage;
    const double lr = std::stod(opt["--lr"]);
    stage.trainable = {"projector", lora ? "lora" : "llm"};
    stage.lr = {{"projector", lr}, {lora ? "lora" : "llm", lr}};
    AdamW optimizer(AdamWOptions{0.9, 0.999, 1e-8});
    optimizer.set_groups(plan_stage(params, stage, 0, model->vision.config.num_layers, 0.0));
    std::vector<torch::Tensor> trainable;
    int64_t n_trainable = 0;
    for (const auto& g : optimizer.groups())
      for (const auto& p : g.params) {
        trainable.push_back(p.param);
        n_trainable += p.param.numel();
      }

    auto batch = SafetensorsFile::open(opt["--batch"]);
    VlmInputs in;
    in.input_ids = batch->get("input_ids").to(device);
    in.labels = batch->get("labels").to(device);
    in.attention_mask = batch->get("attention_mask").to(device);
    in.pixel_values = batch->get("pixel_values").to(device, dtype);

    const int64_t warmup = std::stoll(opt["--warmup"]), steps = std::stoll(opt["--steps"]);
    nlohmann::json out;
    std::vector<double> secs, losses;
    std::map<std::string, std::vector<double>> parts;  // per phase, every step
    namespace prof = torch::autograd::profiler;
    const std::set<torch::profiler::impl::ActivityType> cpu_only{torch::profiler::impl::ActivityType::CPU};
    const torch::profiler::impl::ProfilerConfig prof_config(torch::profiler::impl::ProfilerState::KINETO);
    for (int64_t i = 0; i < warmup + steps; ++i) {
      // --trace: the last step as a Chrome trace (bench/train/trace_summary.py sums it per op).
      const bool traced = !opt["--trace"].empty() && i + 1 == warmup + steps;
      if (traced) {
        prof::prepareProfiler(prof_config, cpu_only);
        prof::enableProfiler(prof_config, cpu_only);
      }
      if (device.is_cuda()) torch::cuda::synchronize();
      const auto t0 = std::chrono::steady_clock::now();
      VlmOutputs o = model->forward(in);
      const double loss = o.loss.item<double>();
      const auto t1 = std::chrono::steady_clock::now();
      o.loss.backward();
      const auto t2 = std::chrono::steady_clock::now();
      clip_grad_norm(trainable, 1.0);
      optimizer.step();
      optimizer.zero_grad();
      if (device.is_cuda()) torch::cuda::synchronize();
      const auto t3 = std::chrono::steady_clock::now();
      using sec = std::chrono::duration<double>;
      const double s = sec(t3 - t0).count();
      parts["forward"].push_back(sec(t1 - t0).count());
      parts["backward"].push_back(sec(t2 - t1).count());
      parts["optimizer"].push_back(sec(t3 - t2).count());
      if (traced) prof::disableProfiler()->save(opt["--trace"]);
      losses.push_back(loss);
      if (i >= warmup) secs.push_back(s);
      std::fprintf(stderr, "vlmforge step %lld: loss %.6f, %.2f s\n", static_cast<long long>(i + 1), loss, s);
    }
    out["side"] = "vlmforge";
    out["step_s"] = secs;
    out["losses"] = losses;
    {
      torch::NoGradGuard no_grad;
      const auto t0 = std::chrono::steady_clock::now();
      model->image_features(in.pixel_values).sum().item<double>();
      out["vision_projector_forward_s"] =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    out["phases_s"] = parts;
    out["peak_rss_mib"] = peak_rss_mib();
    out["trainable_params"] = n_trainable;
    out["threads"] = at::get_num_threads();
    std::printf("%s\n", out.dump().c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_train_step: %s\n", e.what());
    return 1;
  }
}
