// Activation checkpointing (gradient checkpointing): a layer runs without keeping its
// intermediate activations; the backward pass re-runs it with gradients enabled and backpropagates
// through the recomputed graph. LibTorch has no torch.utils.checkpoint, so this is a
// torch::autograd::Function whose inputs are the layer input *and* the layer's trainable tensors:
// their gradients come back through the Function's edges and accumulate like any other
// (frozen tensors are not inputs, so they never receive a gradient).
//
// The replay is exact: the default CPU generator (and the CUDA generator of the input's device)
// is reset to its state before the forward, so dropout draws the same masks, then restored; the
// autocast state of the forward (thread-local, the backward may run on another thread) is
// re-entered.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <vector>

#include "models/layers/params.h"

namespace vlmforge {

using LayerFn = std::function<torch::Tensor(const torch::Tensor&)>;

// y = layer(x), keeping only x for backward. `params` must hold every tensor requiring grad that
// `layer` reads besides x (use trainable_tensors); `layer` must capture everything else by value
// (it is called again during backward). Without grad mode, or when neither x nor any param
// requires grad, this is plain layer(x).
torch::Tensor checkpoint_layer(const LayerFn& layer, const torch::Tensor& x,
                               const std::vector<torch::Tensor>& params);

// Storages behind `slots` that require grad, each once.
std::vector<torch::Tensor> trainable_tensors(const ParamList& slots);

// Which towers run their layers under checkpoint_layer (train.activation_checkpointing).
struct CheckpointPolicy {
  bool vision = false, llm = false;
  // "none" | "vision" | "llm" | "all" (also false/true); throws naming the key otherwise.
  static CheckpointPolicy parse(const std::string& value, const std::string& where);
};

}  // namespace vlmforge
