// The one place where differences between LibTorch builds (CPU wheel vs CUDA wheel, minor
// versions) and between Gloo header versions are handled for train/dist. Nothing else in the
// project includes c10d headers directly or tests USE_C10D_* / version macros.
//
// Gloo: the torch wheel ships c10d's headers but not Gloo's; ProcessGroupGloo.hpp includes
// <gloo/...>, which come from Debian's libgloo-dev (/usr/include/gloo, 2022 snapshot). The Gloo
// code itself runs inside libtorch_cpu.so (it exports gloo:: symbols); nothing may link
// Debian's libgloo.so. We only touch ProcessGroupGloo::Options (timeout, devices, threads), the
// device factories, the constructor and the collectives: their layouts hold only shared_ptrs to
// gloo types, so they do not depend on the Gloo header version. See docs/distributed.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <torch/csrc/autograd/function_hook.h>
#include <torch/csrc/autograd/variable.h>
#include <torch/csrc/distributed/c10d/Backend.hpp>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#ifndef USE_C10D_GLOO
#error "vlmforge's distributed layer needs a LibTorch built with Gloo (USE_C10D_GLOO)"
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>

// NCCL only when this LibTorch has it and nccl.h is on the include path (the CUDA wheels keep
// it in site-packages/nvidia/nccl/include).
#if defined(USE_C10D_NCCL) && __has_include(<nccl.h>)
#include <c10/cuda/CUDAFunctions.h>
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#define VLMFORGE_DIST_HAS_NCCL 1
#else
#define VLMFORGE_DIST_HAS_NCCL 0
#endif

namespace vlmforge::dist::compat {

inline constexpr bool kHasNccl = VLMFORGE_DIST_HAS_NCCL != 0;

// A TCPStore: the server side when `is_server` (it also acts as a client), else a client that
// retries connecting until `timeout`. `wait_workers` = false: the server does not block in the
// constructor until `world_size` clients have joined (ranks may start in any order).
inline c10::intrusive_ptr<c10d::Store> make_tcp_store(const std::string& host, uint16_t port,
                                                      bool is_server, int world_size,
                                                      std::chrono::milliseconds timeout) {
  c10d::TCPStoreOptions opts;
  opts.port = port;
  opts.isServer = is_server;
  opts.numWorkers = static_cast<std::size_t>(world_size);
  opts.waitWorkers = false;
  opts.timeout = timeout;
  return c10::make_intrusive<c10d::TCPStore>(host, opts);
}

inline c10::intrusive_ptr<c10d::Store> make_prefix_store(const std::string& prefix,
                                                         c10::intrusive_ptr<c10d::Store> store) {
  return c10::make_intrusive<c10d::PrefixStore>(prefix, std::move(store));
}

// Gloo over TCP. The transport binds to network interface `interface_name` when given (what
// GLOO_SOCKET_IFNAME means to Python; C++ does not read that variable), else to the address
// `hostname` ("" = resolve this machine's hostname, falling back to loopback, as torch does).
inline c10::intrusive_ptr<c10d::Backend> make_gloo(const c10::intrusive_ptr<c10d::Store>& store,
                                                   int rank, int world_size,
                                                   std::chrono::milliseconds timeout,
                                                   const std::string& hostname,
                                                   const std::string& interface_name = "") {
  auto opts = c10d::ProcessGroupGloo::Options::create(timeout);
  using PG = c10d::ProcessGroupGloo;
  opts->devices.push_back(!interface_name.empty() ? PG::createDeviceForInterface(interface_name)
                          : hostname.empty()      ? PG::createDefaultDevice()
                                                  : PG::createDeviceForHostname(hostname));
  return c10::make_intrusive<PG>(store, rank, world_size, opts);
}

// NCCL on the current CUDA device (the caller sets it from LOCAL_RANK). Throws when this build
// has no NCCL.
inline c10::intrusive_ptr<c10d::Backend> make_nccl(const c10::intrusive_ptr<c10d::Store>& store,
                                                   int rank, int world_size,
                                                   std::chrono::milliseconds timeout) {
#if VLMFORGE_DIST_HAS_NCCL
  auto opts = c10d::ProcessGroupNCCL::Options::create();
  opts->timeout = timeout;
  return c10::make_intrusive<c10d::ProcessGroupNCCL>(store, rank, world_size, opts);
#else
  (void)store, (void)rank, (void)world_size, (void)timeout;
  TORCH_CHECK(false, "this LibTorch build has no NCCL (USE_C10D_NCCL or nccl.h missing)");
#endif
}

// Makes `index` the current CUDA device of this thread (NCCL's barrier and communicator setup
// use the current device). No-op without NCCL.
inline void set_cuda_device(int index) {
#if VLMFORGE_DIST_HAS_NCCL
  c10::cuda::set_device(static_cast<c10::DeviceIndex>(index));
#else
  (void)index;
#endif
}

// Called by autograd right after a leaf's gradient has been accumulated into `.grad`.
using PostAccumulateFn = std::function<void(const torch::autograd::Variable&)>;

// Installs `fn` as the leaf tensor's post-accumulate-grad hook (replacing any previous one; the
// LibTorch C++ API has one slot per tensor, the same slot Python's
// register_post_accumulate_grad_hook uses).
inline void set_post_accumulate_grad_hook(const torch::Tensor& leaf, PostAccumulateFn fn) {
  struct Hook : torch::autograd::PostAccumulateGradHook {
    explicit Hook(PostAccumulateFn f) : fn(std::move(f)) {}
    void operator()(const torch::autograd::Variable& tensor) override { fn(tensor); }
    PostAccumulateFn fn;
  };
  torch::autograd::impl::set_post_acc_grad_hooks(leaf, std::make_unique<Hook>(std::move(fn)));
}

inline void clear_post_accumulate_grad_hook(const torch::Tensor& leaf) {
  torch::autograd::impl::set_post_acc_grad_hooks(leaf, nullptr);
}

}  // namespace vlmforge::dist::compat
