#include "models/layers/checkpoint.h"

#include <ATen/autocast_mode.h>

#include <mutex>

#include "models/core/error.h"
#include "models/layers/autocast.h"

namespace vlmforge {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// The layer closure travels to backward inside the autograd context (saved_data holds IValues).
struct LayerHolder : torch::CustomClassHolder {
  LayerFn fn;
  AutocastState autocast;
  torch::Tensor cpu_rng, cuda_rng;  // generator states before the forward
  int cuda_index = -1;
  bool x_requires_grad = false;
};

at::Generator generator_of(const torch::Device& d) { return at::globalContext().defaultGenerator(d); }

torch::Tensor rng_state(at::Generator g) {
  std::lock_guard<std::mutex> lock(g.mutex());
  return g.get_state();
}

void set_rng_state(at::Generator g, const torch::Tensor& s) {
  std::lock_guard<std::mutex> lock(g.mutex());
  g.set_state(s);
}

// Puts the generators back to the forward's states for the replay, and restores the current
// states afterwards, so training randomness after the backward is what it would have been.
class RngReplay {
 public:
  explicit RngReplay(const LayerHolder& h) : h_(h) {
    now_cpu_ = rng_state(generator_of(torch::kCPU));
    set_rng_state(generator_of(torch::kCPU), h.cpu_rng);
    if (h.cuda_index >= 0) {
      const torch::Device d(torch::kCUDA, static_cast<c10::DeviceIndex>(h.cuda_index));
      now_cuda_ = rng_state(generator_of(d));
      set_rng_state(generator_of(d), h.cuda_rng);
    }
  }
  ~RngReplay() {
    set_rng_state(generator_of(torch::kCPU), now_cpu_);
    if (h_.cuda_index >= 0)
      set_rng_state(generator_of(torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(h_.cuda_index))),
                    now_cuda_);
  }

 private:
  const LayerHolder& h_;
  torch::Tensor now_cpu_, now_cuda_;
};

struct CheckpointFunction : torch::autograd::Function<CheckpointFunction> {
  // Runs with grad mode off (Function::apply): nothing inside the layer is saved.
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x,
                               const at::TensorList& params, c10::intrusive_ptr<LayerHolder> h) {
    std::vector<torch::Tensor> saved{x};
    saved.insert(saved.end(), params.begin(), params.end());
    ctx->save_for_backward(saved);
    ctx->saved_data["layer"] = c10::IValue::make_capsule(h);
    // Autocast caches the bf16 copy of a leaf weight; made here without grad it would carry no
    // history, and a later use of that weight in the same autocast region would lose its gradient.
    const bool cache = at::autocast::is_autocast_cache_enabled();
    at::autocast::set_autocast_cache_enabled(false);
    torch::Tensor y;
    try {
      y = h->fn(x);
    } catch (...) {
      at::autocast::set_autocast_cache_enabled(cache);
      throw;
    }
    at::autocast::set_autocast_cache_enabled(cache);
    return y;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_out) {
    variable_list saved = ctx->get_saved_variables();
    auto holder = c10::static_intrusive_pointer_cast<LayerHolder>(ctx->saved_data["layer"].toCapsule());
    const LayerHolder& h = *holder;
    variable_list grads(saved.size() + 1);  // x, params..., the holder (no gradient)
    if (!grad_out[0].defined()) return grads;

    torch::Tensor x = saved[0].detach().requires_grad_(h.x_requires_grad);
    torch::Tensor y;
    {
      RngReplay rng(h);
      AutocastScope autocast(h.autocast);
      torch::AutoGradMode grad_mode(true);
      y = h.fn(x);
    }
    variable_list inputs;
    std::vector<size_t> slot;  // position of each input in `grads`
    if (h.x_requires_grad) {
      inputs.push_back(x);
      slot.push_back(0);
    }
    for (size_t i = 1; i < saved.size(); ++i) {
      inputs.push_back(saved[i]);
      slot.push_back(i);
    }
    if (inputs.empty() || !y.requires_grad()) return grads;
    variable_list g = torch::autograd::grad({y}, inputs, {grad_out[0]}, /*retain_graph=*/false,
                                            /*create_graph=*/false, /*allow_unused=*/true);
    for (size_t i = 0; i < g.size(); ++i) grads[slot[i]] = g[i];
    return grads;
  }
};

}  // namespace

torch::Tensor checkpoint_layer(const LayerFn& layer, const torch::Tensor& x,
                               const std::vector<torch::Tensor>& params) {
  bool any_grad = x.requires_grad();
  for (const auto& p : params) any_grad |= p.requires_grad();
  if (!torch::GradMode::is_enabled() || !any_grad) return layer(x);
  auto h = c10::make_intrusive<LayerHolder>();
  h->fn = layer;
  h->autocast = AutocastState::current();
  h->x_requires_grad = x.requires_grad();
  h->cpu_rng = rng_state(generator_of(torch::kCPU));
  if (x.is_cuda()) {
    h->cuda_index = x.get_device();
    h->cuda_rng = rng_state(generator_of(x.device()));
  }
  return CheckpointFunction::apply(x, at::TensorList(params), h);
}

std::vector<torch::Tensor> trainable_tensors(const ParamList& slots) {
  std::vector<torch::Tensor> out;
  for (torch::Tensor* t : unique_storages(slots))
    if (t->requires_grad()) out.push_back(*t);
  return out;
}

CheckpointPolicy CheckpointPolicy::parse(const std::string& v, const std::string& where) {
  CheckpointPolicy p;
  if (v == "none" || v == "false" || v.empty()) return p;
  if (v == "vision") p.vision = true;
  else if (v == "llm") p.llm = true;
  else if (v == "all" || v == "true") p.vision = p.llm = true;
  else throw Error("unknown activation checkpointing '" + v + "'", where, "none | vision | llm | all");
  return p;
}

}  // namespace vlmforge
