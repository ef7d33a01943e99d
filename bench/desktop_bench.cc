// desktop_bench: what a technician feels and what a session costs, through the whole chain
// (host serving an Xvfb display itself, relay with TLS, end-to-end channel, viewer's local
// port) and, in the same run, through x11vnc read directly (no relay, no channel), with the
// same headless libvncclient on the technician's side. Prints:
//   - keystroke-to-pixel latency, p50 and p95;
//   - bytes received and CPU seconds for a scripted workload (typing in an xterm, scrolling
//     text, a photo shown and moved) for each picture quality, and the ratio between paths.
// See bench/README.md. Figures, not a test: compare the ratios of one run.
#include <CLI/CLI.hpp>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XTest.h>
#undef Status  // Xlib's macro would clash with telemaint::Status
#include <linux/tcp.h>  // tcp_info with tcpi_bytes_received
#include <netinet/in.h>
#include <rfb/rfbclient.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "tests/support/deployment.h"
#include "tests/support/xserver.h"
#include "viewer/rfb_client.h"

using namespace telemaint;
using namespace telemaint::testing;
using Clock = std::chrono::steady_clock;

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

double ThreadCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_THREAD, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// The technician's side without a window: libvncclient on a TCP connection to a VNC port.
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
    client->fd_ = fd;
    client->c_ = viewer::NewRfbClient(fd, quality);
    client->c_->appData.useRemoteCursor = TRUE;  // the pointer is not part of the picture
    if (!rfbInitClient(client->c_, nullptr, nullptr)) {
      client->c_ = nullptr;
      return nullptr;
    }
    return client;
  }
  ~HeadlessClient() {
    if (c_) rfbClientCleanup(c_);
  }
  // Handles server messages until `done` says so or the time is up; false on timeout/error.
  bool PumpUntil(const std::function<bool()>& done, std::chrono::milliseconds limit) {
    auto deadline = Clock::now() + limit;
    while (!done()) {
      if (Clock::now() >= deadline) return false;
      int n = WaitForMessage(c_, 1000);
      if (n < 0 || (n > 0 && !HandleRFBServerMessage(c_))) return false;
    }
    return true;
  }
  void Pump(std::chrono::milliseconds d) {
    PumpUntil([] { return false; }, d);
  }
  uint64_t BytesReceived() const {
    tcp_info info{};
    socklen_t len = sizeof info;
    getsockopt(fd_, IPPROTO_TCP, TCP_INFO, &info, &len);
    return info.tcpi_bytes_received;
  }
  // Red byte of a pixel (bytes R, G, B, X).
  int Red(int x, int y) const { return c_->frameBuffer[(static_cast<size_t>(y) * c_->width + x) * 4]; }
  void Key(uint32_t keysym) {
    SendKeyEvent(c_, keysym, TRUE);
    SendKeyEvent(c_, keysym, FALSE);
  }

 private:
  HeadlessClient() = default;
  int fd_ = -1;
  rfbClient* c_ = nullptr;
};

// A small window on the host's display (about one character cell) that turns red or blue at
// each key press: a keystroke's echo, with nothing between the X server and the pixel.
class FlashWindow {
 public:
  explicit FlashWindow(const std::string& display) {
    dpy_ = XOpenDisplay(display.c_str());
    if (!dpy_) return;
    win_ = XCreateSimpleWindow(dpy_, DefaultRootWindow(dpy_), kX, kY, kSide, kSide, 0, 0, 0x0000ff);
    XSelectInput(dpy_, win_, KeyPressMask | ExposureMask);
    XMapWindow(dpy_, win_);
    XSync(dpy_, False);
    thread_ = std::thread([this] { Loop(); });
  }
  ~FlashWindow() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (dpy_) XCloseDisplay(dpy_);
  }
  bool ok() const { return dpy_ != nullptr; }
  static constexpr int kX = 100, kY = 100, kSide = 16;
  static constexpr int kCentreX = kX + kSide / 2, kCentreY = kY + kSide / 2;

 private:
  void Loop() {
    GC gc = XCreateGC(dpy_, win_, 0, nullptr);
    bool red = false;
    while (!stop_) {
      while (XPending(dpy_)) {
        XEvent ev;
        XNextEvent(dpy_, &ev);
        if (ev.type == Expose) XSetInputFocus(dpy_, win_, RevertToParent, CurrentTime);
        if (ev.type == KeyPress) red = !red;
        XSetForeground(dpy_, gc, red ? 0xff0000 : 0x0000ff);
        XFillRectangle(dpy_, win_, gc, 0, 0, kSide, kSide);
        XFlush(dpy_);
      }
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    XFreeGC(dpy_, gc);
  }
  Display* dpy_ = nullptr;
  Window win_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false};
};

// Shows a photo-like picture (smooth gradients with noise, what JPEG is for) at a place.
void ShowPhoto(Display* dpy, Window win, int width, int height, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<uint32_t> pixels(static_cast<size_t>(width) * height);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      int noise = static_cast<int>(rng() % 24);
      uint32_t r = (x * 255 / width + noise) & 0xff, g = (y * 255 / height + noise) & 0xff;
      uint32_t b = ((x + y) * 127 / (width + height) + 64 + noise) & 0xff;
      pixels[static_cast<size_t>(y) * width + x] = r << 16 | g << 8 | b;
    }
  XImage* image = XCreateImage(dpy, DefaultVisual(dpy, DefaultScreen(dpy)), 24, ZPixmap, 0,
                               reinterpret_cast<char*>(pixels.data()), width, height, 32, 0);
  GC gc = XCreateGC(dpy, win, 0, nullptr);
  XPutImage(dpy, win, gc, image, 0, 0, 0, 0, width, height);
  XFreeGC(dpy, gc);
  image->data = nullptr;  // ours
  XDestroyImage(image);
  XFlush(dpy);
}

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
            [&] { return (client->Red(FlashWindow::kCentreX, FlashWindow::kCentreY) > 128) != was_red; },
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

// The floor: the X server alone, a key injected with XTest and the pixel read back with
// XGetImage, no VNC at all.
Latency MeasureXServerLatency(int keystrokes) {
  VirtualDisplay x("1024x768x24");
  FlashWindow flash(x.name());
  Latency out;
  Display* dpy = XOpenDisplay(x.name().c_str());
  if (!flash.ok() || !dpy) return out;
  std::this_thread::sleep_for(500ms);  // mapped and focused
  const KeyCode space = XKeysymToKeycode(dpy, 0x20);
  auto red = [&] {
    XImage* img = XGetImage(dpy, DefaultRootWindow(dpy), FlashWindow::kCentreX,
                            FlashWindow::kCentreY, 1, 1, AllPlanes, ZPixmap);
    bool r = img && ((XGetPixel(img, 0, 0) >> 16) & 0xff) > 128;
    if (img) XDestroyImage(img);
    return r;
  };
  std::vector<double> ms;
  for (int i = 0; i < keystrokes; ++i) {
    const bool was_red = red();
    auto start = Clock::now();
    XTestFakeKeyEvent(dpy, space, True, CurrentTime);
    XTestFakeKeyEvent(dpy, space, False, CurrentTime);
    XFlush(dpy);
    while (red() == was_red && Clock::now() - start < 5s) {
    }
    ms.push_back(Seconds(Clock::now() - start) * 1000);
    std::this_thread::sleep_for(20ms);
  }
  XCloseDisplay(dpy);
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
  const double client0 = ThreadCpuSeconds();
  const auto start = Clock::now();

  auto run_while_pumping = [&](std::vector<std::string> argv) {
    Process p(argv, env);
    client->PumpUntil([&] { return !p.Running(); }, 60s);
  };
  // 1. Typing in an xterm.
  run_while_pumping({"/usr/bin/xdotool", "mousemove", "100", "50", "type", "--delay", "15",
                     "The technician types a command and reads its answer; then another."});
  // 2. Text scrolling by.
  run_while_pumping({"/usr/bin/xterm", "-geometry", "100x30+100+200", "-e", "/bin/sh", "-c",
                     "i=0; while [ $i -lt 400 ]; do i=$((i+1)); "
                     "echo \"line $i: the quick brown fox jumps over the lazy dog\"; done; sleep 1"});
  // 3. A photo shown, then moved twice.
  if (Display* dpy = XOpenDisplay(x.name().c_str())) {
    Window win = XCreateSimpleWindow(dpy, DefaultRootWindow(dpy), 200, 150, 512, 384, 0, 0, 0);
    XMapWindow(dpy, win);
    XSync(dpy, False);
    for (int i = 0; i < 3; ++i) {
      XMoveWindow(dpy, win, 200 + i * 150, 150 + i * 60);
      ShowPhoto(dpy, win, 512, 384, 7u + i);
      XSync(dpy, False);
      client->Pump(700ms);
    }
    XCloseDisplay(dpy);
  }
  client->Pump(1000ms);  // the last updates arrive
  cost.seconds = Seconds(Clock::now() - start);
  cost.bytes = client->BytesReceived() - bytes0;
  for (size_t i = 0; i < path->server_pids.size(); ++i)
    cost.server_cpu += CpuSeconds(path->server_pids[i]) - cpu0[i];
  cost.client_cpu = ThreadCpuSeconds() - client0;
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
