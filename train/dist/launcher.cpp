#include "train/dist/launcher.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <sstream>
#include <thread>

#include "models/core/error.h"
#include "train/dist/compat.h"
#include "train/dist/liveness.h"

extern char** environ;

namespace vlmforge::dist {
namespace {

std::atomic<int> g_signal{0};

void on_signal(int sig) { g_signal.store(sig); }

const char* const kSubcommands[] = {"synth", "train", "eval", "export", "predict",
                                    "tokenize", "inspect", "launch"};

std::string find_on_path(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/local/bin:/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    struct stat st {};
    if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  throw Error("program '" + name + "' not found on PATH", "vlmforge launch -- " + name,
              "give a vlmforge subcommand (train ...) or a path to a program");
}

struct Worker {
  int local_rank = 0;
  int rank = 0;
  pid_t pid = -1;
  bool running = false;
  int status = 0;
};

pid_t spawn(const std::vector<std::string>& command,
            const std::map<std::string, std::string>& extra) {
  // Everything execve needs is built before fork: the child only calls async-signal-safe
  // functions.
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    const std::string s = *e;
    if (!extra.count(s.substr(0, s.find('=')))) env_strings.push_back(s);
  }
  for (const auto& [k, v] : extra) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, argv;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = command;
  for (auto& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) throw Error(std::string("fork failed: ") + std::strerror(errno), "vlmforge launch");
  if (pid == 0) {
    setpgid(0, 0);  // own group: signals reach a worker and its children once, via the launcher
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  setpgid(pid, pid);  // also from the parent, so the group exists before any kill below
  return pid;
}

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    return std::string("was killed by signal ") + std::to_string(WTERMSIG(status)) + " (" +
           strsignal(WTERMSIG(status)) + ")";
  }
  return "ended";
}

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

// How likely a failed worker's end is the cause rather than a consequence of another's: a worker
// killed by a signal (SIGKILL from the OOM killer, a crash) comes first; an error exit is often a
// peer's connection dropping; a SIGPIPE death is always a write to a dead peer.
int cause_rank(int status) {
  if (WIFSIGNALED(status)) return WTERMSIG(status) == SIGPIPE ? 0 : 2;
  return 1;
}

// Reaps every worker that has exited; returns how many are still running. Of the failures found
// in one pass (their order within the poll interval is unknown) the likeliest cause is kept.
size_t reap(std::vector<Worker>& workers, Worker** first_failure) {
  size_t running = 0;
  const bool had_failure = first_failure && *first_failure;
  for (auto& w : workers) {
    if (!w.running) continue;
    int status = 0;
    const pid_t r = waitpid(w.pid, &status, WNOHANG);
    if (r == w.pid) {
      w.running = false;
      w.status = status;
      if (exit_code_of(status) != 0 && first_failure && !had_failure &&
          (!*first_failure || cause_rank(status) > cause_rank((*first_failure)->status)))
        *first_failure = &w;
    } else {
      ++running;
    }
  }
  return running;
}

void signal_all(std::vector<Worker>& workers, int sig) {
  for (auto& w : workers) {
    if (w.running) kill(-w.pid, sig);
  }
}

// SIGTERM, then SIGKILL after `grace_s`; returns when every worker is reaped.
void stop_all(std::vector<Worker>& workers, double grace_s) {
  signal_all(workers, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(static_cast<int64_t>(grace_s * 1000));
  while (reap(workers, nullptr) > 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      signal_all(workers, SIGKILL);
      while (reap(workers, nullptr) > 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

void parse_master(const std::string& text, LaunchOptions& opts) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    throw Error("expected ADDR:PORT, got '" + text + "'", "--master");
  }
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string port = text.substr(colon + 1);
  if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5 ||
      std::stoi(port) < 1 || std::stoi(port) > 65535) {
    throw Error("bad port '" + port + "'", "--master " + text);
  }
  opts.master_addr = host;
  opts.master_port = std::stoi(port);
}

std::vector<std::string> resolve_worker_command(const std::vector<std::string>& rest,
                                                const std::string& self_exe) {
  if (rest.empty()) {
    throw Error("no worker command after `--`", "vlmforge launch",
                "e.g. vlmforge launch --nproc 2 -- train --config X.yaml");
  }
  for (const char* sub : kSubcommands) {
    if (rest[0] == sub) {
      std::vector<std::string> cmd{self_exe};
      cmd.insert(cmd.end(), rest.begin(), rest.end());
      return cmd;
    }
  }
  std::vector<std::string> cmd = rest;
  cmd[0] = find_on_path(rest[0]);
  return cmd;
}

int launch_workers(const LaunchOptions& opts, const std::vector<std::string>& command) {
  if (opts.nproc < 1) throw Error("must be >= 1", "--nproc");
  if (opts.nnodes < 1) throw Error("must be >= 1", "--nnodes");
  if (opts.node_rank < 0 || opts.node_rank >= opts.nnodes) {
    throw Error("must be in [0, " + std::to_string(opts.nnodes) + ")", "--node-rank");
  }
  const int world = opts.nproc * opts.nnodes;
  const auto timeout = std::chrono::milliseconds(static_cast<int64_t>(opts.store_timeout_s * 1000));

  c10::intrusive_ptr<c10d::Store> store;
  if (opts.node_rank == 0) {
    try {
      store = compat::make_tcp_store(opts.master_addr, static_cast<uint16_t>(opts.master_port),
                                     /*is_server=*/true, world, timeout);
    } catch (const std::exception& e) {
      std::string msg = e.what();
      throw Error("cannot host the rendezvous store on port " + std::to_string(opts.master_port) +
                      ": " + msg.substr(0, msg.find('\n')),
                  "--master", "pick a free port");
    }
  }

  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);

  std::vector<Worker> workers(opts.nproc);
  for (int local = 0; local < opts.nproc; ++local) {
    Worker& w = workers[local];
    w.local_rank = local;
    w.rank = opts.node_rank * opts.nproc + local;
    w.pid = spawn(command, {{"RANK", std::to_string(w.rank)},
                            {"LOCAL_RANK", std::to_string(local)},
                            {"WORLD_SIZE", std::to_string(world)},
                            {"LOCAL_WORLD_SIZE", std::to_string(opts.nproc)},
                            {"GROUP_RANK", std::to_string(opts.node_rank)},
                            {"MASTER_ADDR", opts.master_addr},
                            {"MASTER_PORT", std::to_string(opts.master_port)},
                            {"VLMFORGE_LAUNCH", "1"},
                            {"VLMFORGE_STORE_HOSTED", "1"}});
    w.running = true;
  }
  std::fprintf(stderr, "launch: node %d/%d started %d workers (ranks %d..%d of %d), master %s:%d\n",
               opts.node_rank, opts.nnodes, opts.nproc, workers.front().rank,
               workers.back().rank, world, opts.master_addr.c_str(), opts.master_port);

  Worker* failure = nullptr;
  while (reap(workers, &failure) > 0) {
    if (const int sig = g_signal.exchange(0)) {
      std::fprintf(stderr, "launch: got signal %d (%s), forwarding to the workers\n", sig,
                   strsignal(sig));
      signal_all(workers, sig);
      // Workers get `grace_s` to finish on their own, then are stopped.
      const auto deadline = std::chrono::steady_clock::now() +
                            std::chrono::milliseconds(static_cast<int64_t>(opts.grace_s * 1000));
      while (reap(workers, nullptr) > 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      stop_all(workers, 0);
      return 128 + sig;
    }
    if (failure) {
      const std::string reason = "worker rank " + std::to_string(failure->rank) + " (node " +
                                 std::to_string(opts.node_rank) + ", pid " +
                                 std::to_string(failure->pid) + ") " +
                                 describe_status(failure->status);
      std::fprintf(stderr, "launch: %s; stopping the other workers\n", reason.c_str());
      // Post the reason before stopping this node's other workers, so every rank of the job
      // (here and on other nodes) names this worker rather than its collateral.
      try {
        if (!store) {
          store = compat::make_tcp_store(opts.master_addr, static_cast<uint16_t>(opts.master_port),
                                         false, world, std::chrono::seconds(5));
        }
        post_job_abort(*store, reason + ", reported by the launcher of node " +
                                   std::to_string(opts.node_rank));
      } catch (const std::exception&) {
        // The store's host is gone too; the workers' own diagnosis still applies.
      }
      stop_all(workers, opts.grace_s);
      return exit_code_of(failure->status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (failure) {  // failed in the same poll as the last worker ended
    std::fprintf(stderr, "launch: worker rank %d %s\n", failure->rank,
                 describe_status(failure->status).c_str());
    return exit_code_of(failure->status);
  }
  return 0;
}

}  // namespace vlmforge::dist
