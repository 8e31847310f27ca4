// Starting and reaping the processes of a test job (independent of `vlmforge launch`, so the
// tests can watch what each rank does on its own).
#pragma once

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace dist_test {

// A TCP port that was free a moment ago.
inline int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  socklen_t len = sizeof(a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

// fork + execve with this environment plus `extra`; stdout and stderr go to `log_path`.
inline pid_t spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& extra,
                   const std::string& log_path) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    std::string s = *e;
    if (!extra.count(s.substr(0, s.find('=')))) env_strings.push_back(s);
  }
  for (const auto& [k, v] : extra) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, args;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (auto& s : argv_copy) args.push_back(s.data());
  args.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    FILE* log = std::fopen(log_path.c_str(), "w");
    if (log) {
      dup2(fileno(log), 1);
      dup2(fileno(log), 2);
    }
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
  return pid;
}

struct ExitInfo {
  int code = -1;      // exit status, -1 when killed by a signal or timed out
  int signal = 0;     // terminating signal
  bool timed_out = false;
  double seconds = 0;  // from wait_all's start to the exit
  double exit_epoch_s = 0;  // wall-clock time of the exit (seconds since the epoch)
};

inline double epoch_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Waits for every pid up to `timeout_s`; the ones still running then are SIGKILLed and marked.
// `expendable` (an index, or -1): not waited for once every other process has exited (a
// stopped rank that would never exit by itself).
inline std::vector<ExitInfo> wait_all(const std::vector<pid_t>& pids, double timeout_s,
                                      int expendable = -1) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<ExitInfo> out(pids.size());
  std::vector<bool> done(pids.size(), false);
  size_t remaining = pids.size();
  while (remaining > 0) {
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (size_t i = 0; i < pids.size(); ++i) {
      if (done[i]) continue;
      int status = 0;
      if (waitpid(pids[i], &status, WNOHANG) == pids[i]) {
        done[i] = true;
        --remaining;
        out[i].seconds = elapsed;
        out[i].exit_epoch_s = epoch_seconds();
        if (WIFEXITED(status)) out[i].code = WEXITSTATUS(status);
        if (WIFSIGNALED(status)) out[i].signal = WTERMSIG(status);
      } else if (elapsed > timeout_s ||
                 (remaining == 1 && static_cast<int>(i) == expendable)) {
        kill(pids[i], SIGKILL);
        waitpid(pids[i], &status, 0);
        done[i] = true;
        --remaining;
        out[i].timed_out = true;
        out[i].seconds = elapsed;
        out[i].exit_epoch_s = epoch_seconds();
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return out;
}

inline std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

}  // namespace dist_test
