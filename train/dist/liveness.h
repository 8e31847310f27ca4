// Peer liveness for a data-parallel job: no rank may hang silently when another dies or hangs.
//
// Every rank runs one monitor thread with its own store connection. Each `interval` it writes
// `hb/<rank>` = "<beat> <collective seq>" and reads every peer's value. A peer whose value has
// not changed for `timeout` is declared lost; the first rank to diagnose a failure writes its
// one-line reason under `abort` (first writer wins), and every monitor that sees `abort` prints
// it and ends its process with exit code kPeerFailureExitCode. So a rank stuck outside any
// collective still exits within about `timeout` + `interval`.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "train/dist/compat.h"

namespace vlmforge::dist {

inline constexpr int kPeerFailureExitCode = 3;

// Posts `reason` as the job's abort reason unless one is already there (compareSet with an
// empty expected value creates the key only when absent); returns the reason that stands. Used
// by the monitors and by `vlmforge launch` when one of its workers dies.
std::string post_job_abort(c10d::Store& store, const std::string& reason);

class LivenessMonitor {
 public:
  // `store` must be this thread's own connection (not shared with the process group).
  LivenessMonitor(c10::intrusive_ptr<c10d::Store> store, int rank, int world_size,
                  std::chrono::milliseconds interval, std::chrono::milliseconds timeout,
                  std::string store_address);
  ~LivenessMonitor();
  LivenessMonitor(const LivenessMonitor&) = delete;
  LivenessMonitor& operator=(const LivenessMonitor&) = delete;

  // Writes this rank's first heartbeat (before the process group's rendezvous, so every peer's
  // key exists once the group is up) and starts the thread.
  void start();

  // The main thread's collective counter, published with each beat (tells a hung rank that is
  // behind from the ranks waiting for it).
  void set_collective_seq(uint64_t seq) { seq_.store(seq); }

  // After a collective failed: waits up to `patience` for evidence (a posted abort reason, a peer
  // whose heartbeat stopped, a peer behind in collectives) and returns one line naming the
  // rank(s) at fault, or "" when nothing was found. Never throws.
  std::string diagnose(std::chrono::milliseconds patience);

  // Posts `reason` as the job's abort reason unless another rank posted first; returns the
  // reason that stands.
  std::string post_abort(const std::string& reason);

  // Ends the process if the abort key or a lost peer is seen (tests may replace the exit).
  std::function<void(const std::string& message)> on_fatal;

 private:
  struct Peer {
    std::string value;
    std::chrono::steady_clock::time_point last_change;
    uint64_t changes = 0;  // value changes seen so far
  };
  void run();
  void beat();
  std::string lost_peers_locked(std::chrono::milliseconds older_than) const;
  std::string behind_peers_locked(const std::map<int, uint64_t>& baseline) const;
  std::string read_abort();

  c10::intrusive_ptr<c10d::Store> store_;
  std::mutex store_mutex_;  // the store connection is used by the thread and by diagnose()
  const int rank_, world_size_;
  const std::chrono::milliseconds interval_, timeout_;
  const std::string store_address_;
  std::atomic<uint64_t> seq_{0};
  uint64_t beats_ = 0;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::map<int, Peer> peers_;
  std::thread thread_;
};

}  // namespace vlmforge::dist
