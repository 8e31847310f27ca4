#include "train/dist/liveness.h"

#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace vlmforge::dist {
namespace {

const std::string kAbortKey = "vlmforge/abort";

std::string hb_key(int rank) { return "vlmforge/hb/" + std::to_string(rank); }

std::vector<uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }
std::string text(const std::vector<uint8_t>& b) { return {b.begin(), b.end()}; }

uint64_t seq_of(const std::string& value) {  // value = "<beat> <seq>"
  const auto space = value.find(' ');
  return space == std::string::npos ? 0 : std::stoull(value.substr(space + 1));
}

std::string rank_list(const std::vector<int>& ranks) {
  std::string s = ranks.size() == 1 ? "rank " : "ranks ";
  for (size_t i = 0; i < ranks.size(); ++i) s += (i ? ", " : "") + std::to_string(ranks[i]);
  return s;
}

}  // namespace

std::string post_job_abort(c10d::Store& store, const std::string& reason) {
  return text(store.compareSet(kAbortKey, {}, bytes(reason)));
}

LivenessMonitor::LivenessMonitor(c10::intrusive_ptr<c10d::Store> store, int rank, int world_size,
                                 std::chrono::milliseconds interval,
                                 std::chrono::milliseconds timeout, std::string store_address)
    : store_(std::move(store)),
      rank_(rank),
      world_size_(world_size),
      interval_(interval),
      timeout_(timeout),
      store_address_(std::move(store_address)) {
  on_fatal = [](const std::string& message) {
    std::fflush(stdout);
    std::fprintf(stderr, "error: %s\n", message.c_str());
    std::fflush(stderr);
    std::_Exit(kPeerFailureExitCode);
  };
  const auto now = std::chrono::steady_clock::now();
  for (int r = 0; r < world_size_; ++r) {
    if (r != rank_) peers_[r] = Peer{"", now, 0};
  }
}

LivenessMonitor::~LivenessMonitor() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LivenessMonitor::start() {
  {
    std::lock_guard<std::mutex> lock(store_mutex_);
    store_->set(hb_key(rank_), bytes("0 0"));
  }
  thread_ = std::thread([this] { run(); });
}

void LivenessMonitor::beat() {
  std::lock_guard<std::mutex> store_lock(store_mutex_);
  store_->set(hb_key(rank_), bytes(std::to_string(++beats_) + " " + std::to_string(seq_.load())));
  std::vector<std::string> keys;
  for (const auto& [r, peer] : peers_) keys.push_back(hb_key(r));
  // A peer that has not written its first beat yet is simply not heard from (get would block).
  if (keys.empty() || !store_->check(keys)) return;
  const auto values = store_->multiGet(keys);
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mutex_);
  size_t i = 0;
  for (auto& [r, peer] : peers_) {
    std::string v = text(values[i++]);
    if (v != peer.value) peer = Peer{std::move(v), now, peer.changes + 1};
  }
}

std::string LivenessMonitor::read_abort() {
  std::lock_guard<std::mutex> store_lock(store_mutex_);
  if (!store_->check({kAbortKey})) return "";
  return text(store_->get(kAbortKey));
}

std::string LivenessMonitor::lost_peers_locked(std::chrono::milliseconds older_than) const {
  const auto now = std::chrono::steady_clock::now();
  std::vector<int> lost, never_joined;
  double silent_s = 0;
  for (const auto& [r, peer] : peers_) {
    const auto silent = now - peer.last_change;
    if (silent <= older_than) continue;
    (peer.value.empty() ? never_joined : lost).push_back(r);
    silent_s = std::max(silent_s, std::chrono::duration<double>(silent).count());
  }
  std::ostringstream s;
  s.precision(3);
  if (!lost.empty()) {
    s << rank_list(lost) << " sent no heartbeat for " << silent_s
      << " s (process died, was killed or is stopped)";
  } else if (!never_joined.empty()) {
    s << rank_list(never_joined) << " never joined the job within " << silent_s
      << " s (not started, or started with another MASTER_ADDR/PORT or world size)";
  } else {
    return "";
  }
  s << "; detected by rank " << rank_;
  return s.str();
}

std::string LivenessMonitor::behind_peers_locked(const std::map<int, uint64_t>& baseline) const {
  const uint64_t mine = seq_.load();
  std::vector<int> behind;
  for (const auto& [r, peer] : peers_) {
    // Two changes seen since `baseline`: the second value was written after the first was
    // read, so it shows where the peer is now, not where it was before the failure.
    if (peer.changes >= baseline.at(r) + 2 && seq_of(peer.value) < mine) behind.push_back(r);
  }
  if (behind.empty()) return "";
  return rank_list(behind) + " alive but behind: never entered collective #" +
         std::to_string(mine) + " that rank " + std::to_string(rank_) +
         " waits in (hung or diverged code path)";
}

void LivenessMonitor::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_) {
    wake_.wait_for(lock, interval_, [this] { return stop_; });
    if (stop_) break;
    lock.unlock();
    std::string fatal;
    try {
      beat();
      const std::string abort = read_abort();
      if (!abort.empty()) {
        fatal = "rank " + std::to_string(rank_) + " stops because the job failed: " + abort;
      } else {
        std::string lost;
        {
          std::lock_guard<std::mutex> l(mutex_);
          lost = lost_peers_locked(timeout_);
        }
        if (!lost.empty()) fatal = post_abort(lost);
      }
    } catch (const std::exception& e) {
      fatal = "rank " + std::to_string(rank_) + " lost the rendezvous store at " +
              store_address_ + " (its host, rank 0 or the launcher, probably died): " +
              std::string(e.what()).substr(0, 200);
    }
    lock.lock();
    if (!fatal.empty() && !stop_) {
      lock.unlock();
      on_fatal(fatal);
      return;
    }
  }
}

std::string LivenessMonitor::post_abort(const std::string& reason) {
  try {
    std::lock_guard<std::mutex> store_lock(store_mutex_);
    return post_job_abort(*store_, reason);
  } catch (const std::exception&) {
    return reason;
  }
}

std::string LivenessMonitor::diagnose(std::chrono::milliseconds patience) {
  const auto deadline = std::chrono::steady_clock::now() + patience;
  std::map<int, uint64_t> baseline;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [r, peer] : peers_) baseline[r] = peer.changes;
  }
  // A peer that died a moment ago is silent for only a moment: wait until it has missed two
  // beats before calling it lost.
  const auto stale = 2 * interval_ + std::chrono::milliseconds(250);
  try {
    while (true) {
      const std::string abort = read_abort();
      if (!abort.empty()) return abort;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        std::string lost = lost_peers_locked(stale);
        if (!lost.empty()) return lost;
        // A peer heard from since the failure yet behind in collectives is alive and stuck.
        std::string behind = behind_peers_locked(baseline);
        if (!behind.empty()) return behind;
        if (std::chrono::steady_clock::now() >= deadline) return "";
      }
      std::this_thread::sleep_for(interval_ / 4);
    }
  } catch (const std::exception& e) {
    return "the rendezvous store at " + store_address_ +
           " is unreachable (its host, rank 0 or the launcher, probably died): " +
           std::string(e.what()).substr(0, 200);
  }
}

}  // namespace vlmforge::dist
