#include "tests/support/process.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <pty.h>
#include <fstream>
#include <sstream>

namespace telemaint::testing {

namespace {

// In the child after fork: the extra environment, then the program. Never returns.
[[noreturn]] void ExecChild(std::vector<std::string>& argv,
                            const std::map<std::string, std::string>& env) {
  for (auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  execv(args[0], args.data());
  std::fprintf(stderr, "exec %s failed: %s\n", args[0], std::strerror(errno));
  _exit(127);
}

}  // namespace

Process::Process(std::vector<std::string> argv, std::map<std::string, std::string> env,
                 std::string stdin_text, bool keep_stdin_open, bool use_pty) {
  if (use_pty) {
    int master = -1;
    pid_ = forkpty(&master, nullptr, nullptr, nullptr);
    if (pid_ < 0) abort();
    if (pid_ == 0) ExecChild(argv, env);
    fcntl(master, F_SETFD, FD_CLOEXEC);
    out_fd_ = master;
    in_fd_ = dup(master);
    fcntl(in_fd_, F_SETFD, FD_CLOEXEC);
    if (!stdin_text.empty()) Write(stdin_text);
    reader_ = std::thread([this] { ReadLoop(out_fd_); });
    return;
  }
  int out[2], in[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(in, O_CLOEXEC) != 0) abort();
  pid_ = fork();
  if (pid_ == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(out[1], 2);
    setpgid(0, 0);
    ExecChild(argv, env);
  }
  close(out[1]);
  close(in[0]);
  if (!stdin_text.empty()) {
    ssize_t ignored = write(in[1], stdin_text.data(), stdin_text.size());
    (void)ignored;
  }
  if (keep_stdin_open)
    in_fd_ = in[1];
  else
    close(in[1]);
  out_fd_ = out[0];
  reader_ = std::thread([this] { ReadLoop(out_fd_); });
}

Process::~Process() {
  if (Running()) {
    // SIGTERM first: x11vnc and Xvfb free their System V shared memory only on a clean exit,
    // and the machine has a fixed number of segments.
    Signal(SIGTERM);
    if (!Wait(2s)) {
      Signal(SIGKILL);
      Wait(5s);
    }
  }
  if (reader_.joinable()) reader_.join();
  if (out_fd_ >= 0) close(out_fd_);
  if (in_fd_ >= 0) close(in_fd_);
}

void Process::Write(const std::string& text) {
  if (in_fd_ < 0) return;
  ssize_t ignored = write(in_fd_, text.data(), text.size());
  (void)ignored;
}

void Process::AnswerWhenSeen(const std::string& needle, const std::string& answer) {
  std::lock_guard lock(mu_);
  answers_.emplace_back(needle, answer);
}

void Process::ReadLoop(int fd) {
  std::string partial;
  char buf[4096];
  while (true) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    partial.append(buf, n);
    size_t pos;
    while ((pos = partial.find('\n')) != std::string::npos) {
      std::lock_guard lock(mu_);
      lines_.push_back(partial.substr(0, pos));
      partial.erase(0, pos + 1);
      for (const auto& [needle, answer] : answers_)
        if (lines_.back().find(needle) != std::string::npos) Write(answer);
      cv_.notify_all();
    }
  }
  std::lock_guard lock(mu_);
  if (!partial.empty()) lines_.push_back(partial);
  output_done_ = true;
  cv_.notify_all();
}

std::optional<std::string> Process::WaitForLine(const std::string& needle,
                                                std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(mu_);
  size_t checked = 0;
  while (true) {
    for (; checked < lines_.size(); ++checked)
      if (lines_[checked].find(needle) != std::string::npos) return lines_[checked];
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout) {
      for (; checked < lines_.size(); ++checked)
        if (lines_[checked].find(needle) != std::string::npos) return lines_[checked];
      return std::nullopt;
    }
  }
}

int Process::CountLines(const std::string& needle) {
  std::lock_guard lock(mu_);
  int n = 0;
  for (auto& l : lines_) n += l.find(needle) != std::string::npos;
  return n;
}

std::string Process::Output() {
  std::lock_guard lock(mu_);
  std::string all;
  for (auto& l : lines_) all += l + "\n";
  return all;
}

std::optional<int> Process::Wait(std::chrono::milliseconds timeout) {
  if (exit_status_) return exit_status_;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      // Its last words may still be in the pipe: let the reader reach the end (bounded, as a
      // grandchild may hold the pipe open).
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, 500ms, [this] { return output_done_; });
      return exit_status_;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(10ms);  // polling a child's exit, not waiting for readiness
  }
}

void Process::Signal(int sig) {
  if (pid_ > 0 && !exit_status_) kill(pid_, sig);
}

bool Process::Running() { return pid_ > 0 && !Wait(0ms).has_value(); }

std::string BinPath(const std::string& program) {
  return std::string(TELEMAINT_BIN_DIR) + "/" + program;
}

std::string SourcePath(const std::string& relative) {
  return std::string(TELEMAINT_SOURCE_DIR) + "/" + relative;
}

TempDir::TempDir() {
  char tmpl[] = "/tmp/telemaint-test-XXXXXX";
  path_ = mkdtemp(tmpl);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

std::optional<std::string> WaitForFileContent(const std::string& path,
                                              const std::string& not_equal,
                                              std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    std::string content = ReadFile(path);
    while (!content.empty() && (content.back() == '\n' || content.back() == '\r'))
      content.pop_back();
    if (!content.empty() && content != not_equal) return content;
    std::this_thread::sleep_for(20ms);
  }
  return std::nullopt;
}

std::optional<bool> ListensOnTcp(pid_t pid) {
  Process ss({"/usr/bin/ss", "-ltnpH"});
  if (ss.Wait(10s) != 0) return std::nullopt;
  return ss.Output().find("pid=" + std::to_string(pid) + ",") != std::string::npos;
}

bool WaitForFile(const std::string& path, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!std::filesystem::exists(path)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

bool WaitForFileToContain(const std::string& path, const std::string& needle,
                          std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (ReadFile(path).find(needle) == std::string::npos) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(50ms);
  }
  return true;
}

long ProcStatusKb(pid_t pid, const std::string& field) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  }
  return -1;
}

}  // namespace telemaint::testing
