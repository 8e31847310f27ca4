// CPU/GPU forward timing of a vlmforge VLM with random weights and real architecture shapes.
// Driven by bench_vlm_forward.py, which times transformers' LlavaForConditionalGeneration with
// the same shapes in the same run. Prints one JSON object with median seconds per forward:
//   logits: all-position logits (what transformers returns);
//   loss:   training forward, LM head only on supervised positions.
//
//   bench_vlm_forward VISION_CONFIG.json TEXT_CONFIG.json [--batch B] [--text T]
//       [--supervised S] [--iters N] [--warmup W] [--threads K] [--dtype fp32|bf16] [--device cpu|cuda]
#include "models/core/error.h"
#include "models/loader.h"
#include "models/vlm.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

using namespace vlmforge;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_vlm_forward VISION_CONFIG.json TEXT_CONFIG.json [options]\n");
    return 2;
  }
  std::map<std::string, std::string> opt = {{"--batch", "2"},   {"--text", "64"},
                                            {"--supervised", "32"}, {"--iters", "5"},
                                            {"--warmup", "1"},  {"--threads", "0"},
                                            {"--dtype", "fp32"}, {"--device", "cpu"}};
  for (int i = 3; i + 1 < argc; i += 2) opt[argv[i]] = argv[i + 1];
  try {
    const int threads = std::stoi(opt["--threads"]);
    if (threads > 0) at::set_num_threads(threads);
    const torch::Device device(opt["--device"]);
    const auto dtype = parse_dtype(opt["--dtype"], "--dtype");
    const HfConfig vhf = HfConfig::read(argv[1]);
    const HfConfig thf = HfConfig::read(argv[2]);
    const SiglipConfig vc = SiglipConfig::from_hf(vhf);
    const TextConfig tc = text_config_from_hf(thf);
    ProjectorConfig pc;
    pc.vision_hidden = vc.hidden_size;
    pc.text_hidden = tc.hidden_size;
    torch::manual_seed(0);
    VisionLanguageModel vlm(vc, pc, tc, torch::TensorOptions().dtype(dtype).device(device));
    {
      torch::NoGradGuard no_grad;
      for (torch::Tensor* t : unique_storages(vlm.named_parameters()))
        if (t->dim() >= 2) t->normal_(0.0, 0.02);
    }
    const int64_t B = std::stoll(opt["--batch"]), T_text = std::stoll(opt["--text"]);
    const int64_t S = std::stoll(opt["--supervised"]);
    const int64_t P = vc.num_patches();
    const int64_t image_token = tc.vocab_size - 1;
    vlm.image_token_id = image_token;
    vlm.vision_feature_layer = -1;
    auto long_opts = torch::TensorOptions(torch::kInt64).device(device);
    torch::Tensor ids = torch::randint(0, tc.vocab_size - 1, {B, P + T_text}, long_opts);
    ids.narrow(1, 1, P).fill_(image_token);
    torch::Tensor labels = torch::full({B, P + T_text}, -100, long_opts);
    labels.narrow(1, P + T_text - S, S).copy_(ids.narrow(1, P + T_text - S, S));
    torch::Tensor pix = torch::randn({B, 3, vc.image_size, vc.image_size},
                                     torch::TensorOptions().dtype(dtype).device(device));
    torch::Tensor mask = torch::ones({B, P + T_text}, long_opts);

    auto time_it = [&](bool with_logits) {
      std::vector<double> secs;
      torch::NoGradGuard no_grad;
      const int warm = std::stoi(opt["--warmup"]), iters = std::stoi(opt["--iters"]);
      for (int i = 0; i < warm + iters; ++i) {
        if (device.is_cuda()) torch::cuda::synchronize();
        auto t0 = std::chrono::steady_clock::now();
        VlmOutputs out = with_logits ? vlm.forward({ids, pix, mask, {}}, true)
                                     : vlm.forward({ids, pix, mask, labels}, false);
        (with_logits ? out.logits : out.loss).sum().item<double>();
        if (device.is_cuda()) torch::cuda::synchronize();
        auto t1 = std::chrono::steady_clock::now();
        if (i >= warm) secs.push_back(std::chrono::duration<double>(t1 - t0).count());
      }
      std::sort(secs.begin(), secs.end());
      return secs[secs.size() / 2];
    };
    const double logits_s = time_it(true);
    const double loss_s = time_it(false);
    std::printf("{\"logits_s\": %.6f, \"loss_s\": %.6f, \"threads\": %d, \"tokens\": %lld, "
                "\"params\": %lld}\n",
                logits_s, loss_s, at::get_num_threads(), static_cast<long long>(B * (P + T_text)),
                static_cast<long long>(count_params(vlm.named_parameters())));
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
