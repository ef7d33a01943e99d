// desktop_bench: what a technician feels and what a session costs, through the whole chain
// (host serving an Xvfb display itself, relay with TLS, end-to-end channel, viewer's local
// port) and, in the same run, through x11vnc read directly (no relay, no channel), with the
// same headless libvncclient on the technician's side. Prints:
//   - keystroke-to-pixel latency, p50 and p95;
//   - bytes received and CPU seconds for a scripted workload (typing in an xterm, scrolling
//     text, a photo shown and moved) for each picture quality, and the ratio between paths.
// See bench/README.md. Figures, not a test: compare the ratios of one run.
#include <CLI/CLI.hpp>
#include <linux/tcp.h>  // tcp_info with tcpi_bytes_received
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "host/x11/bench_clients.h"
#include "tests/support/deployment.h"
#include "tests/support/xserver.h"
#include "viewer/remote_screen.h"

using namespace telemaint;
using namespace telemaint::testing;
using Clock = std::chrono::steady_clock;
using telemaint::host::FlashWindow;
using telemaint::host::PhotoWindow;

namespace {

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// User plus system CPU seconds of a process, from /proc.
double CpuSeconds(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(f)), {});
  auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(stat.substr(close + 2));
  std::string field;
  unsigned long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoul(field);
    if (i == 15) stime = std::stoul(field);
  }
  return static_cast<double>(utime + stime) / sysconf(_SC_CLK_TCK);
}

// This process's CPU: the viewer's RFB client decodes on a thread of its own.
double ClientCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// The technician's side without a window: the viewer's own RFB client (RemoteScreen) on a
// TCP connection to a VNC port.
class HeadlessClient {
 public:
  static std::unique_ptr<HeadlessClient> Connect(uint16_t port, viewer::Quality quality) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      close(fd);
      return nullptr;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    auto client = std::unique_ptr<HeadlessClient>(new HeadlessClient());
    client->stats_fd_ = dup(fd);  // the same connection, for its byte count
    HeadlessClient* raw = client.get();
    client->screen_ = viewer::RemoteScreen::Start(fd, quality, [raw] {
      std::lock_guard lock(raw->mu_);
      raw->changed_ = true;
      raw->cv_.notify_all();
    });
    return client;
  }
  ~HeadlessClient() {
    screen_.reset();  // joins the RFB thread before the state it notifies goes
    if (stats_fd_ >= 0) close(stats_fd_);
  }
  // Takes the picture's changes until `done` says so or the time is up; false on timeout or
  // the end of the session.
  bool PumpUntil(const std::function<bool()>& done, std::chrono::milliseconds limit) {
    auto deadline = Clock::now() + limit;
    while (!done()) {
      if (Clock::now() >= deadline) return false;
      {
        std::unique_lock lock(mu_);
        cv_.wait_until(lock, std::min(deadline, Clock::now() + 1ms), [this] { return changed_; });
        changed_ = false;
      }
      if (screen_->TakeChanges().ended) return false;
    }
    return true;
  }
  void Pump(std::chrono::milliseconds d) {
    PumpUntil([] { return false; }, d);
  }
  uint64_t BytesReceived() const {
    tcp_info info{};
    socklen_t len = sizeof info;
    getsockopt(stats_fd_, IPPROTO_TCP, TCP_INFO, &info, &len);
    return info.tcpi_bytes_received;
  }
  // Red byte of a pixel.
  int Red(int x, int y) const {
    int red = 0;
    screen_->WithPicture([&](const uint8_t* rgb, int width, int height) {
      if (x < width && y < height) red = rgb[(static_cast<size_t>(y) * width + x) * 3];
    });
    return red;
  }
  void Key(uint32_t keysym) {
    screen_->SendKey(keysym, true);
    screen_->SendKey(keysym, false);
  }

 private:
  HeadlessClient() = default;
  int stats_fd_ = -1;
  std::unique_ptr<viewer::RemoteScreen> screen_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool changed_ = false;
};

// A VNC port serving the display: through telemaint, or x11vnc read directly.
struct Path {
  std::string name;
  uint16_t port = 0;
  std::vector<pid_t> server_pids;  // whose CPU time counts
  std::unique_ptr<Deployment> deployment;
  std::vector<std::unique_ptr<Process>> processes;
};

std::unique_ptr<Path> ThroughTelemaint(const VirtualDisplay& x) {
  auto p = std::make_unique<Path>();
  p->name = "telemaint";
  p->deployment = std::make_unique<Deployment>();
  Deployment& d = *p->deployment;
  p->processes.push_back(d.StartRelay());
  auto joined = d.JoinBuiltIn(x.name());
  p->port = joined.port;
  p->processes.push_back(std::move(joined.host));
  p->processes.push_back(std::move(joined.viewer));
  for (auto& proc : p->processes) p->server_pids.push_back(proc->pid());
  return p;
}

std::unique_ptr<Path> ThroughX11vnc(const VirtualDisplay& x) {
  auto p = std::make_unique<Path>();
  p->name = "x11vnc";
  auto proc = std::make_unique<Process>(std::vector<std::string>{
      "/usr/bin/x11vnc", "-display", x.name(), "-localhost", "-autoport", "5990", "-nopw",
      "-forever", "-shared", "-quiet"});
  auto line = proc->WaitForLine("PORT=", 20s);
  if (!line) return nullptr;
  p->port = static_cast<uint16_t>(std::stoi(line->substr(line->find('=') + 1)));
  p->server_pids.push_back(proc->pid());
  p->processes.push_back(std::move(proc));
  return p;
}

// telemaint carrying x11vnc's stream (host --vnc-server): the relay and channel's share.
std::unique_ptr<Path> ThroughTelemaintToX11vnc(const VirtualDisplay& x) {
  auto p = ThroughX11vnc(x);
  if (!p) return nullptr;
  p->name = "telemaint+x11vnc";
  p->deployment = std::make_unique<Deployment>();
  Deployment& d = *p->deployment;
  p->processes.push_back(d.StartRelay());
  auto joined = d.Join(p->port);
  p->port = joined.port;
  p->processes.push_back(std::move(joined.host));
  p->processes.push_back(std::move(joined.viewer));
  p->server_pids.clear();
  for (auto& proc : p->processes) p->server_pids.push_back(proc->pid());
  return p;
}

using PathMaker = std::unique_ptr<Path> (*)(const VirtualDisplay&);

struct Latency {
  double p50 = 0, p95 = 0;
  int samples = 0;
};

Latency MeasureLatency(PathMaker make, int keystrokes) {
  VirtualDisplay x("1024x768x24");
  FlashWindow flash(x.name());
  auto path = make(x);
  Latency out;
  if (!flash.ok() || !path || path->port == 0) return out;
  auto client = HeadlessClient::Connect(path->port, viewer::Quality::kLossless);
  if (!client) return out;
  client->Pump(1500ms);  // the first full picture, and the window settles
  std::vector<double> ms;
  for (int i = 0; i < keystrokes; ++i) {
    const bool was_red = client->Red(FlashWindow::kCentreX, FlashWindow::kCentreY) > 128;
    auto start = Clock::now();
    client->Key(0x20);
    if (!client->PumpUntil(
            [&] {
              return (client->Red(FlashWindow::kCentreX, FlashWindow::kCentreY) > 128) != was_red;
            },
            5s))
      continue;
    ms.push_back(Seconds(Clock::now() - start) * 1000);
    client->Pump(20ms);  // let the release and any trailing update pass
  }
  if (ms.empty()) return out;
  std::sort(ms.begin(), ms.end());
  out.samples = static_cast<int>(ms.size());
  out.p50 = ms[ms.size() / 2];
  out.p95 = ms[std::min(ms.size() - 1, ms.size() * 95 / 100)];
  return out;
}

// The floor: the X server alone, a key injected with XTest and the pixel read back, no VNC.
Latency MeasureXServerLatency(int keystrokes) {
  VirtualDisplay x("1024x768x24");
  FlashWindow flash(x.name());
  Latency out;
  std::this_thread::sleep_for(500ms);  // mapped and focused
  std::vector<double> ms;
  for (int i = 0; i < keystrokes && flash.ok(); ++i) {
    double t = flash.XTestEchoMs(5s);
    if (t >= 0) ms.push_back(t);
    std::this_thread::sleep_for(20ms);
  }
  if (ms.empty()) return out;
  std::sort(ms.begin(), ms.end());
  out.samples = static_cast<int>(ms.size());
  out.p50 = ms[ms.size() / 2];
  out.p95 = ms[std::min(ms.size() - 1, ms.size() * 95 / 100)];
  return out;
}

struct Cost {
  uint64_t bytes = 0;
  double server_cpu = 0, client_cpu = 0, seconds = 0;
  bool ok = false;
};

// The same scripted minute of work, played on a fresh display for each run.
Cost MeasureWorkload(PathMaker make, viewer::Quality quality) {
  VirtualDisplay x("1024x768x24");
  Cost cost;
  auto env = x.env();
  env["LC_ALL"] = "C.UTF-8";
  Process typing_term({"/usr/bin/xterm", "-geometry", "80x12+0+0", "-e", "cat"}, env);
  auto path = make(x);
  if (!path || path->port == 0) return cost;
  auto client = HeadlessClient::Connect(path->port, quality);
  if (!client) return cost;
  client->Pump(1500ms);  // the first full picture is not part of the workload
  const uint64_t bytes0 = client->BytesReceived();
  std::vector<double> cpu0;
  for (pid_t pid : path->server_pids) cpu0.push_back(CpuSeconds(pid));
  const double client0 = ClientCpuSeconds();
  const auto start = Clock::now();

  auto run_while_pumping = [&](std::vector<std::string> argv) {
    Process p(argv, env);
    client->PumpUntil([&] { return !p.Running(); }, 60s);
  };
  // 1. Typing in an xterm.
  run_while_pumping({"/usr/bin/xdotool", "mousemove", "100", "50", "type", "--delay", "15",
                     "The technician types a command and reads its answer; then another."});
  // 2. Text scrolling by.
  run_while_pumping(
      {"/usr/bin/xterm", "-geometry", "100x30+100+200", "-e", "/bin/sh", "-c",
       "i=0; while [ $i -lt 400 ]; do i=$((i+1)); "
       "echo \"line $i: the quick brown fox jumps over the lazy dog\"; done; sleep 1"});
  // 3. A photo shown, then moved twice.
  {
    PhotoWindow photo(x.name(), 512, 384);
    for (int i = 0; i < 3 && photo.ok(); ++i) {
      photo.ShowAt(200 + i * 150, 150 + i * 60, 7u + i);
      client->Pump(700ms);
    }
  }

  client->Pump(1000ms);  // the last updates arrive
  cost.seconds = Seconds(Clock::now() - start);
  cost.bytes = client->BytesReceived() - bytes0;
  for (size_t i = 0; i < path->server_pids.size(); ++i)
    cost.server_cpu += CpuSeconds(path->server_pids[i]) - cpu0[i];
  cost.client_cpu = ClientCpuSeconds() - client0;
  cost.ok = true;
  return cost;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"desktop_bench: keystroke-to-pixel latency and the cost of a scripted workload, "
               "through telemaint and through x11vnc directly. See bench/README.md."};
  int keystrokes = 60;
  app.add_option("--keystrokes", keystrokes, "Keystrokes timed per path")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::printf("keystroke-to-pixel latency (%d keystrokes, lossless; headless libvncclient):\n",
              keystrokes);
  Latency floor = MeasureXServerLatency(keystrokes);
  Latency ours = MeasureLatency(ThroughTelemaint, keystrokes);
  Latency direct = MeasureLatency(ThroughX11vnc, keystrokes);
  Latency carried = MeasureLatency(ThroughTelemaintToX11vnc, keystrokes);
  std::printf("  %-44s p50 %6.2f ms  p95 %6.2f ms  (%d samples)\n",
              "Xvfb alone (XTest in, XGetImage out):", floor.p50, floor.p95, floor.samples);
  std::printf("  %-44s p50 %6.2f ms  p95 %6.2f ms  (%d samples)\n",
              "telemaint (host, relay over TLS, channel):", ours.p50, ours.p95, ours.samples);
  std::printf("  %-44s p50 %6.2f ms  p95 %6.2f ms  (%d samples)\n", "x11vnc read directly:",
              direct.p50, direct.p95, direct.samples);
  std::printf("  %-44s p50 %6.2f ms  p95 %6.2f ms  (%d samples)\n",
              "x11vnc carried by telemaint (--vnc-server):", carried.p50, carried.p95,
              carried.samples);
  std::fflush(stdout);

  std::printf("\nscripted workload (typing in an xterm, 400 lines scrolling, a 512x384 photo "
              "shown 3 times):\n");
  std::printf("  %-9s %-10s %12s %14s %14s %8s\n", "quality", "path", "bytes", "server CPU s",
              "client CPU s", "wall s");
  for (viewer::Quality q :
       {viewer::Quality::kLossless, viewer::Quality::kHigh, viewer::Quality::kLow}) {
    Cost a = MeasureWorkload(ThroughTelemaint, q);
    Cost b = MeasureWorkload(ThroughX11vnc, q);
    const char* name = viewer::QualityName(q);
    std::printf("  %-9s %-10s %12llu %14.2f %14.2f %8.1f%s\n", name, "telemaint",
                static_cast<unsigned long long>(a.bytes), a.server_cpu, a.client_cpu, a.seconds,
                a.ok ? "" : "  (failed)");
    std::printf("  %-9s %-10s %12llu %14.2f %14.2f %8.1f%s\n", "", "x11vnc",
                static_cast<unsigned long long>(b.bytes), b.server_cpu, b.client_cpu, b.seconds,
                b.ok ? "" : "  (failed)");
    if (a.ok && b.ok && b.bytes > 0 && b.server_cpu > 0)
      std::printf("  %-9s %-10s %11.2fx %13.2fx\n", "", "ratio",
                  static_cast<double>(a.bytes) / b.bytes, a.server_cpu / b.server_cpu);
    std::fflush(stdout);
  }
  return 0;
}
