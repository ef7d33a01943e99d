#include "inventory/command.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <thread>

namespace telemaint::inventory {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr std::size_t kMaxOutputBytes = 8 << 20;  // apt-get's plan for thousands of packages

struct Child {
  pid_t pid;
  int out;
};

// The child runs in its own process group (a timeout then kills what it started too), with
// stdin and stderr on /dev/null, none of our descriptors but its stdout, default SIGPIPE even if
// we ignore it, and an environment of its own: English messages for us to parse, and none of
// our variables (proxies, credentials) passed on.
std::optional<Child> Spawn(const std::vector<std::string>& argv) {
  int fds[2];
  if (argv.empty() || pipe2(fds, O_CLOEXEC) != 0) return std::nullopt;
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_adddup2(&files, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&files, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&files, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
  posix_spawn_file_actions_addclosefrom_np(&files, STDERR_FILENO + 1);
#endif
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t no_signals, default_signals;
  sigemptyset(&no_signals);
  sigemptyset(&default_signals);
  sigaddset(&default_signals, SIGPIPE);
  posix_spawnattr_setsigmask(&attr, &no_signals);
  posix_spawnattr_setsigdefault(&attr, &default_signals);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  char lc_all[] = "LC_ALL=C";
  char path[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
  char* env[] = {lc_all, path, nullptr};
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, args[0], &files, &attr, args.data(), env);
  posix_spawn_file_actions_destroy(&files);
  posix_spawnattr_destroy(&attr);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    return std::nullopt;
  }
  return Child{pid, fds[0]};
}

// Everything the child writes until it closes its output; nullopt at the deadline, on a read
// error, or when the output grows past kMaxOutputBytes.
std::optional<std::string> ReadUntilEof(int fd, Clock::time_point deadline) {
  std::string out;
  char buf[16384];
  for (;;) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (left <= 0ms) return std::nullopt;
    pollfd p{fd, POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(std::min<std::int64_t>(left.count(), INT_MAX)));
    if (ready < 0 && errno != EINTR) return std::nullopt;
    if (ready <= 0) continue;
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n == 0) return out;
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return std::nullopt;
    }
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > kMaxOutputBytes) return std::nullopt;
  }
}

// The wait status once the child has closed its output. It is exiting by then, so short sleeps
// find it within a few ms and still honour the deadline, which a blocking waitpid() would not.
// nullopt: still running at the deadline.
std::optional<int> WaitForExit(pid_t pid, Clock::time_point deadline) {
  auto pause = 1ms;
  for (;;) {
    int status = 0;
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    // Reaped elsewhere (SIGCHLD ignored, or another thread's waitpid(-1)): the output was
    // complete, and its pid may already be reused, so it must not be killed.
    if (r < 0 && errno == ECHILD) return 0;
    const auto left = deadline - Clock::now();
    if (left <= Clock::duration::zero()) return std::nullopt;
    std::this_thread::sleep_for(std::min<Clock::duration>(pause, left));
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

void KillAndReap(pid_t pid) {
  if (kill(-pid, SIGKILL) != 0) kill(pid, SIGKILL);
  while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace

std::optional<std::string> RunCommand(const std::vector<std::string>& argv,
                                      std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  const auto child = Spawn(argv);
  if (!child) return std::nullopt;
  auto out = ReadUntilEof(child->out, deadline);
  close(child->out);
  const auto status = out ? WaitForExit(child->pid, deadline) : std::nullopt;
  if (!status) {
    KillAndReap(child->pid);
    return std::nullopt;
  }
  if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) return std::nullopt;
  return out;
}

}  // namespace telemaint::inventory
