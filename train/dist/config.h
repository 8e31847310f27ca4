// Configuration of data-parallel training (root key `dist`). Where the ranks are comes from the
// environment (train/dist/env.h); this section says how they talk.
#pragma once

#include <string>

namespace vlmforge::dist {

struct DistConfig {
  std::string backend = "auto";  // auto (nccl on CUDA, gloo on CPU) | gloo | nccl
  double timeout_s = 300;        // rendezvous, collectives and peer-liveness timeout
  double heartbeat_s = 2;        // how often each rank tells the store it is alive
  double bucket_mb = 25;         // gradient bucket size (MiB of gradient elements)
  // Address Gloo binds to and advertises on this node; "" = this host's name (loopback if it
  // does not resolve). Set it when the hostname resolves to the wrong interface.
  std::string gloo_hostname = "";

  template <class V>
  void visit(V& v) {
    v("backend", backend, "auto (nccl on CUDA, gloo on CPU) | gloo | nccl");
    v("timeout_s", timeout_s, "seconds before a missing or hung rank fails the job");
    v("heartbeat_s", heartbeat_s, "seconds between liveness heartbeats in the store");
    v("bucket_mb", bucket_mb, "gradient all-reduce bucket size in MiB");
    v("gloo_hostname", gloo_hostname, "address Gloo binds to on this node (empty = hostname)");
  }
};

}  // namespace vlmforge::dist
