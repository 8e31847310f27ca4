#include "train/optim.h"

#include <cmath>
#include <set>

#include "models/core/error.h"

namespace vlmforge {

void AdamW::set_groups(std::vector<ParamGroup> groups) {
  std::set<std::string> live;
  for (const auto& g : groups)
    for (const auto& p : g.params) live.insert(p.name);
  for (auto it = state_.begin(); it != state_.end();)
    it = live.count(it->first) ? std::next(it) : state_.erase(it);
  groups_ = std::move(groups);
}

void AdamW::step() {
  torch::NoGradGuard no_grad;
  const double b1 = opts_.beta1, b2 = opts_.beta2;
  for (auto& g : groups_) {
    // fp32 parameters with fp32 gradients go through torch's fused AdamW kernel (one pass over
    // each tensor instead of six); the per-tensor path below is the same update written out.
    std::vector<torch::Tensor> f_params, f_grads, f_avg, f_avg_sq, f_steps;
    for (auto& np : g.params) {
      torch::Tensor& p = np.param;
      const torch::Tensor& grad = p.grad();
      if (!grad.defined()) continue;
      State& s = state_[np.name];
      if (!s.exp_avg.defined()) {
        // Moments in fp32 whatever the parameter's dtype (bf16 params train with fp32 state).
        s.exp_avg = torch::zeros_like(p, torch::kFloat32);
        s.exp_avg_sq = torch::zeros_like(p, torch::kFloat32);
      }
      s.step += 1;
      const bool fp32 = p.scalar_type() == torch::kFloat32;
      if (fp32 && grad.scalar_type() == torch::kFloat32 && grad.layout() == torch::kStrided) {
        f_params.push_back(p);
        f_grads.push_back(grad);
        f_avg.push_back(s.exp_avg);
        f_avg_sq.push_back(s.exp_avg_sq);
        f_steps.push_back(torch::full({}, static_cast<double>(s.step),
                                      torch::TensorOptions(torch::kFloat32).device(p.device())));
        continue;
      }
      torch::Tensor p32 = fp32 ? p : p.to(torch::kFloat32);
      torch::Tensor g32 = grad.scalar_type() == torch::kFloat32 ? grad : grad.to(torch::kFloat32);
      if (g.weight_decay != 0) p32.mul_(1.0 - g.lr * g.weight_decay);
      s.exp_avg.lerp_(g32, 1.0 - b1);
      s.exp_avg_sq.mul_(b2).addcmul_(g32, g32, 1.0 - b2);
      const double bc1 = 1.0 - std::pow(b1, static_cast<double>(s.step));
      const double bc2_sqrt = std::sqrt(1.0 - std::pow(b2, static_cast<double>(s.step)));
      torch::Tensor denom = (s.exp_avg_sq.sqrt() / bc2_sqrt).add_(opts_.eps);
      p32.addcdiv_(s.exp_avg, denom, -g.lr / bc1);
      if (!fp32) p.copy_(p32);
    }
    if (!f_params.empty())
      at::_fused_adamw_(f_params, f_grads, f_avg, f_avg_sq, /*max_exp_avg_sqs=*/{}, f_steps, g.lr,
                        b1, b2, g.weight_decay, opts_.eps, /*amsgrad=*/false, /*maximize=*/false);
  }
}

void AdamW::zero_grad() {
  for (auto& g : groups_)
    for (auto& np : g.params)
      if (np.param.grad().defined()) np.param.mutable_grad() = torch::Tensor();
}

NamedTensors AdamW::state_dict() const {
  NamedTensors out;
  for (const auto& [name, s] : state_) {
    if (!s.exp_avg.defined()) continue;
    out.emplace_back(name + ".exp_avg", s.exp_avg);
    out.emplace_back(name + ".exp_avg_sq", s.exp_avg_sq);
    out.emplace_back(name + ".step", torch::tensor(s.step, torch::kInt64));
  }
  return out;
}

void AdamW::load_state_dict(const SafetensorsFile& file) {
  state_.clear();
  for (const auto& g : groups_) {
    for (const auto& np : g.params) {
      if (!file.contains(np.name + ".step")) continue;  // not stepped yet when saved
      State s;
      for (const char* key : {".exp_avg", ".exp_avg_sq"}) {
        if (!file.contains(np.name + key))
          throw Error("optimizer state lacks '" + np.name + key + "'", file.path());
        torch::Tensor t = file.get(np.name + key);
        if (t.sizes() != np.param.sizes())
          throw Error("optimizer state '" + np.name + key + "' has shape " +
                          c10::str(t.sizes()) + " but the parameter has " +
                          c10::str(np.param.sizes()),
                      file.path(), "checkpoint from another model?");
        (std::string(key) == ".exp_avg" ? s.exp_avg : s.exp_avg_sq) =
            t.to(np.param.device(), torch::kFloat32).clone();
      }
      s.step = file.get(np.name + ".step").item<int64_t>();
      state_[np.name] = std::move(s);
    }
  }
}

double clip_grad_norm(const std::vector<torch::Tensor>& params, double max_norm) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> grads;
  for (const auto& p : params)
    if (p.grad().defined()) grads.push_back(p.grad());
  if (grads.empty()) return 0.0;
  bool all_fp32 = true;
  for (const auto& g : grads) all_fp32 &= g.scalar_type() == torch::kFloat32;
  std::vector<torch::Tensor> norms;
  if (all_fp32) {
    norms = at::_foreach_norm(grads, 2);
  } else {
    for (const auto& g : grads) norms.push_back(g.to(torch::kFloat32).norm(2));
  }
  torch::Tensor total = torch::stack(norms).norm(2);
  const double norm = total.item<double>();
  if (max_norm > 0) {
    // As torch: grads *= clamp(max_norm / (norm + 1e-6), max=1), computed in fp32.
    torch::Tensor coef = torch::clamp_max(max_norm / (total + 1e-6), 1.0);
    if (all_fp32) {
      at::_foreach_mul_(grads, coef);
    } else {
      for (auto& g : grads) g.mul_(coef.to(g.scalar_type()));
    }
  }
  return norm;
}

double lr_multiplier(const std::string& schedule, int64_t t, int64_t total, int64_t warmup,
                     double min_ratio) {
  if (warmup > 0 && t < warmup) return static_cast<double>(t + 1) / static_cast<double>(warmup);
  if (schedule == "constant") return 1.0;
  const int64_t decay = std::max<int64_t>(1, total - warmup);
  const double progress = std::min(1.0, static_cast<double>(t - warmup) / static_cast<double>(decay));
  if (schedule == "linear") return 1.0 - (1.0 - min_ratio) * progress;
  if (schedule == "cosine")
    return min_ratio + (1.0 - min_ratio) * 0.5 * (1.0 + std::cos(M_PI * progress));
  throw Error("unknown schedule '" + schedule + "'", "train.schedule", "use cosine, linear or constant");
}

}  // namespace vlmforge
