#pragma once
// A child process for end-to-end tests: started with arguments and extra environment, its
// standard output and error collected line by line on a background thread, waited for with
// deadlines (never a bare sleep). The destructor kills it.
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace telemaint::testing {

using namespace std::chrono_literals;

class Process {
 public:
  // `stdin_text` is written, then standard input is closed; with `keep_stdin_open` it stays
  // open for Write and AnswerWhenSeen (a person at the keyboard).
  // With `use_pty` the process runs on a pseudo-terminal (its standard input, output and
  // error), as a person's terminal would be; Write and AnswerWhenSeen type on it.
  Process(std::vector<std::string> argv, std::map<std::string, std::string> env = {},
          std::string stdin_text = {}, bool keep_stdin_open = false, bool use_pty = false);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  // The first output line (stdout or stderr) containing `needle`, waiting up to `timeout`.
  std::optional<std::string> WaitForLine(const std::string& needle,
                                         std::chrono::milliseconds timeout = 10s);
  // Lines containing `needle` seen so far.
  int CountLines(const std::string& needle);
  std::string Output();
  // Waits for exit; nullopt on timeout. Returns the exit status (128+signal when killed).
  std::optional<int> Wait(std::chrono::milliseconds timeout = 10s);
  void Signal(int sig);
  bool Running();
  // Writes to the process's standard input (kept open).
  void Write(const std::string& text);
  // Each time a line containing `needle` appears, writes `answer` (e.g. "a\n").
  void AnswerWhenSeen(const std::string& needle, const std::string& answer);

 private:
  void ReadLoop(int fd);
  pid_t pid_ = -1;
  int out_fd_ = -1;
  int in_fd_ = -1;
  std::vector<std::pair<std::string, std::string>> answers_;  // guarded by mu_
  std::thread reader_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> lines_;
  std::optional<int> exit_status_;
  bool output_done_ = false;  // the reader saw the end of the output (guarded by mu_)
};

// The build's bin directory and source tree.
std::string BinPath(const std::string& program);
std::string SourcePath(const std::string& relative);

// A fresh temporary directory, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string ReadFile(const std::string& path);
// Waits until the file exists and is non-empty and its content differs from `not_equal`.
std::optional<std::string> WaitForFileContent(const std::string& path,
                                              const std::string& not_equal = {},
                                              std::chrono::milliseconds timeout = 10s);
// Whether `pid` has a listening TCP socket (per `ss -ltnp`); nullopt if ss failed.
std::optional<bool> ListensOnTcp(pid_t pid);
// Waits until the file exists.
bool WaitForFile(const std::string& path, std::chrono::milliseconds timeout = 10s);
// Waits until the file (a log, say) contains `needle`.
bool WaitForFileToContain(const std::string& path, const std::string& needle,
                          std::chrono::milliseconds timeout = 10s);
// Reads a /proc/PID/status field in kB (VmRSS, VmHWM); -1 if unavailable.
long ProcStatusKb(pid_t pid, const std::string& field);

}  // namespace telemaint::testing
