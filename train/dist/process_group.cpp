#include "train/dist/process_group.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <exception>
#include <thread>

#include "models/core/error.h"

namespace vlmforge::dist {
namespace {

using std::chrono::milliseconds;

milliseconds seconds_to_ms(double s) { return milliseconds(static_cast<int64_t>(s * 1000.0)); }

// The local IPv4 address the kernel would use to reach `host` (no packet is sent: a UDP
// connect only picks the route). "" when it cannot be determined.
std::string local_address_towards(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0 || !res) {
    return "";
  }
  std::string out;
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) == 0) {
    sockaddr_in local{};
    socklen_t len = sizeof(local);
    char buf[INET_ADDRSTRLEN] = {};
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) == 0 &&
        inet_ntop(AF_INET, &local.sin_addr, buf, sizeof(buf))) {
      out = buf;
    }
  }
  if (fd >= 0) close(fd);
  freeaddrinfo(res);
  return out;
}

std::string first_line(const std::string& s) {
  const auto nl = s.find('\n');
  return s.substr(0, std::min<size_t>(nl, 300));
}

}  // namespace

Distributed::Distributed(const DistEnv& env, const DistConfig& cfg, torch::Device device)
    : env_(env), cfg_(cfg), device_(device), timeout_(seconds_to_ms(cfg.timeout_s)) {
  const std::string where = "rank " + std::to_string(env_.rank) + " (" + env_.describe() + ")";
  if (cfg_.backend != "auto" && cfg_.backend != "gloo" && cfg_.backend != "nccl") {
    throw Error("unknown backend '" + cfg_.backend + "'", "dist.backend", "auto | gloo | nccl");
  }
  if (cfg_.timeout_s <= 0 || cfg_.heartbeat_s <= 0 || cfg_.heartbeat_s * 2 > cfg_.timeout_s) {
    throw Error("need 0 < 2 * heartbeat_s <= timeout_s", "dist.timeout_s / dist.heartbeat_s");
  }
  if (!env_.distributed()) return;

  backend_name_ = cfg_.backend == "auto" ? (device_.is_cuda() ? "nccl" : "gloo") : cfg_.backend;
  if (backend_name_ == "nccl" && !compat::kHasNccl) {
    throw Error("this build has no NCCL", "dist.backend", "use gloo or a CUDA LibTorch");
  }
  if (backend_name_ == "nccl" && !device_.is_cuda()) {
    throw Error("NCCL needs a CUDA device", "dist.backend", "use gloo on CPU");
  }
  const std::string address = env_.master_addr + ":" + std::to_string(env_.master_port);
  const bool host_store = env_.rank == 0 && !env_.store_hosted_outside;
  auto connect = [&](bool is_server) {
    auto s = compat::make_tcp_store(env_.master_addr, static_cast<uint16_t>(env_.master_port),
                                    is_server, env_.world_size, timeout_);
    return env_.store_prefix.empty() ? s : compat::make_prefix_store(env_.store_prefix, s);
  };
  try {
    store_ = connect(host_store);
    monitor_ = std::make_unique<LivenessMonitor>(connect(false), env_.rank, env_.world_size,
                                                 seconds_to_ms(cfg_.heartbeat_s), timeout_,
                                                 address);
    monitor_->start();
  } catch (const std::exception& e) {
    throw Error(std::string(host_store ? "cannot host" : "cannot reach") +
                    " the rendezvous store at " + address + ": " + first_line(e.what()),
                where, "check MASTER_ADDR/MASTER_PORT and that rank 0 (or the launcher) runs");
  }

  try {
    auto pg_store = compat::make_prefix_store("vlmforge/pg", store_);
    if (backend_name_ == "nccl") {
      compat::set_cuda_device(device_.has_index() ? device_.index() : env_.local_rank);
      backend_ = compat::make_nccl(pg_store, env_.rank, env_.world_size, timeout_);
    } else {
      const char* ifname = std::getenv("GLOO_SOCKET_IFNAME");
      std::string hostname = cfg_.gloo_hostname;
      if (hostname.empty()) hostname = local_address_towards(env_.master_addr, env_.master_port);
      backend_ = compat::make_gloo(pg_store, env_.rank, env_.world_size, timeout_, hostname,
                                   ifname ? ifname : "");
    }
  } catch (const std::exception& e) {
    failed_ = true;
    std::string reason = monitor_->diagnose(seconds_to_ms(2 * cfg_.heartbeat_s + 1));
    if (reason.empty()) reason = "process group setup failed on rank " +
                                 std::to_string(env_.rank) + ": " + first_line(e.what());
    throw Error(monitor_->post_abort(reason), where + ", " + backend_name_ + " setup");
  }
}

Distributed::~Distributed() {
  if (!active()) return;
  if (!failed_ && std::uncaught_exceptions() == 0) {
    try {
      shutdown();
      return;
    } catch (const std::exception&) {
      failed_ = true;  // shutdown() already posted the reason
    }
  }
  if (!shut_down_) {
    if (!failed_) {
      monitor_->post_abort("rank " + std::to_string(env_.rank) +
                           " stopped with an error (see its log)");
    }
    // This rank is leaving on its own error: its monitor must not turn the posted reason into
    // an exit before the caller reports the error.
    monitor_.reset();
    // A collective may still be blocked on a dead peer: destroying the group would wait for
    // it, so the group is left to the process exit.
    (void)backend_.release();
    if (env_.rank == 0 && !env_.store_hosted_outside) {
      // This process hosts the store: give the peers' monitors time to read the reason.
      std::this_thread::sleep_for(seconds_to_ms(2 * cfg_.heartbeat_s));
    }
  }
}

uint64_t Distributed::next_seq() {
  ++seq_;
  if (monitor_) monitor_->set_collective_seq(seq_);
  return seq_;
}

void Distributed::fail(const std::string& what, const std::string& reason) {
  failed_ = true;
  const std::string stands = monitor_ ? monitor_->post_abort(reason) : reason;
  throw Error(stands, "rank " + std::to_string(env_.rank) + ", " + what,
              "every rank of the job stops; the first failure is named above");
}

void Distributed::collective_failed(const std::string& what, const std::exception& e) {
  failed_ = true;
  std::string reason = monitor_->diagnose(seconds_to_ms(3 * cfg_.heartbeat_s + 1));
  if (reason.empty()) {
    reason = what + " failed on rank " + std::to_string(env_.rank) + ": " + first_line(e.what());
  }
  fail(what + " (collective #" + std::to_string(seq_) + ")", reason);
}

void Distributed::wait(const c10::intrusive_ptr<c10d::Work>& work, const std::string& what) {
  try {
    work->wait();
  } catch (const std::exception& e) {
    collective_failed(what, e);
  }
}

c10::intrusive_ptr<c10d::Work> Distributed::all_reduce_sum_async(torch::Tensor tensor) {
  TORCH_CHECK(active(), "all_reduce_sum_async needs world size > 1");
  next_seq();
  std::vector<torch::Tensor> tensors{std::move(tensor)};
  c10d::AllreduceOptions opts;
  opts.reduceOp = c10d::ReduceOp::SUM;
  try {
    return backend_->allreduce(tensors, opts);
  } catch (const std::exception& e) {
    collective_failed("all_reduce", e);
  }
}

void Distributed::all_reduce_sum_(torch::Tensor& tensor, const std::string& what) {
  if (!active()) return;
  wait(all_reduce_sum_async(tensor), what);
}

std::vector<double> Distributed::all_reduce_sum(const std::vector<double>& values) {
  if (!active() || values.empty()) return values;
  auto t = torch::tensor(values, torch::kFloat64).to(device_);
  all_reduce_sum_(t, "metric all_reduce");
  t = t.cpu();
  return {t.data_ptr<double>(), t.data_ptr<double>() + t.numel()};
}

double Distributed::all_reduce_sum(double value) {
  return all_reduce_sum(std::vector<double>{value})[0];
}

double Distributed::all_reduce_mean(double value) {
  return all_reduce_sum(value) / world_size();  // Gloo may lack AVG: SUM then divide
}

std::map<std::string, double> Distributed::all_reduce_mean(
    const std::map<std::string, double>& metrics) {
  std::vector<double> values;
  for (const auto& [k, v] : metrics) values.push_back(v);
  values = all_reduce_sum(values);
  std::map<std::string, double> out;
  size_t i = 0;
  for (const auto& [k, v] : metrics) out[k] = values[i++] / world_size();
  return out;
}

double Distributed::all_reduce_max(double value) {
  if (!active()) return value;
  std::vector<torch::Tensor> t{torch::tensor({value}, torch::kFloat64).to(device_)};
  c10d::AllreduceOptions opts;
  opts.reduceOp = c10d::ReduceOp::MAX;
  next_seq();
  c10::intrusive_ptr<c10d::Work> work;
  try {
    work = backend_->allreduce(t, opts);
  } catch (const std::exception& e) {
    collective_failed("max all_reduce", e);
  }
  wait(work, "max all_reduce");
  return t[0].cpu().item<double>();
}

void Distributed::broadcast(const std::vector<torch::Tensor>& tensors, int root) {
  if (!active() || tensors.empty()) return;
  torch::NoGradGuard no_grad;
  const int64_t bucket_bytes = std::max<int64_t>(1, static_cast<int64_t>(cfg_.bucket_mb * (1 << 20)));
  // Flat buffers of one dtype each, in the tensors' order, every rank building the same ones.
  std::vector<std::vector<torch::Tensor>> groups;
  int64_t bytes = 0;
  for (const auto& t : tensors) {
    const int64_t n = t.numel() * static_cast<int64_t>(t.element_size());
    if (groups.empty() || groups.back().front().scalar_type() != t.scalar_type() ||
        bytes + n > bucket_bytes) {
      groups.emplace_back();
      bytes = 0;
    }
    groups.back().push_back(t);
    bytes += n;
  }
  c10d::BroadcastOptions opts;
  opts.rootRank = root;
  for (auto& group : groups) {
    std::vector<torch::Tensor> flat_parts;
    for (auto& t : group) flat_parts.push_back(t.detach().reshape(-1).to(device_));
    std::vector<torch::Tensor> flat{torch::cat(flat_parts)};
    next_seq();
    c10::intrusive_ptr<c10d::Work> work;
    try {
      work = backend_->broadcast(flat, opts);
    } catch (const std::exception& e) {
      collective_failed("parameter broadcast", e);
    }
    wait(work, "parameter broadcast");
    int64_t offset = 0;
    for (auto& t : group) {
      t.detach().copy_(flat[0].slice(0, offset, offset + t.numel()).view(t.sizes()));
      offset += t.numel();
    }
  }
}

void Distributed::barrier(const std::string& what) {
  if (!active()) return;
  next_seq();
  c10::intrusive_ptr<c10d::Work> work;
  try {
    work = backend_->barrier();
  } catch (const std::exception& e) {
    collective_failed(what, e);
  }
  wait(work, what);
}

void Distributed::shutdown() {
  if (!active() || shut_down_) return;
  barrier("shutdown barrier");
  shut_down_ = true;
  monitor_.reset();  // stops the heartbeat thread before anyone's store goes away
  const std::string key = "vlmforge/finished";
  store_->add(key, 1);
  if (env_.rank == 0 && !env_.store_hosted_outside) {
    // This process hosts the store: keep it up until every rank has stopped using it.
    const auto deadline = std::chrono::steady_clock::now() + timeout_;
    while (store_->add(key, 0) < env_.world_size && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(milliseconds(20));
    }
  }
}

}  // namespace vlmforge::dist
