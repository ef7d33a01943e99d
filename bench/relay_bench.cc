// relay_bench: N concurrent sessions through a real telemaint-relay on 127.0.0.1 (TLS 1.3).
// Prints forwarding throughput for 64 KiB messages, round-trip latency for 1 KiB messages, and
// the relay's memory. Peers speak the relay protocol but send opaque bytes (the relay never
// looks inside), so the figures are the relay's own cost. See bench/README.md.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <numeric>
#include <vector>

#include "net/net.h"
#include "net/tls.h"
#include "common/wire.h"
#include "net/ws_client.h"
#include "tests/support/deployment.h"

using namespace telemaint;
using namespace telemaint::net;
using Clock = std::chrono::steady_clock;

namespace {

struct Pair {
  std::shared_ptr<WsConnection> host, viewer;
};

asio::awaitable<Result<Pair>> Connect(ssl::context& tls, HostPort relay) {
  const std::string host_path = "/v1/host", viewer_path = "/v1/viewer";
  DialOptions options;
  auto host = co_await DialRelay(tls, relay, host_path, options);
  if (!host.ok()) co_return host.status();
  (*host)->SendText(wire::Encode(wire::Hello{}));
  error_code ec;
  auto np_frame = co_await (*host)->Receive(ec);
  if (!np_frame) co_return Status::Io("no nameplate");
  auto np = wire::Decode(np_frame->data);
  auto* issued = np.ok() ? std::get_if<wire::NameplateIssued>(&*np) : nullptr;
  if (!issued) co_return Status::Io("unexpected answer to hello: " + np_frame->data);
  auto viewer = co_await DialRelay(tls, relay, viewer_path, options);
  if (!viewer.ok()) co_return viewer.status();
  wire::Join join;
  join.nameplate = issued->nameplate;
  join.user = "alice";
  join.password = testing::kTechPassword;
  (*viewer)->SendText(wire::Encode(join));
  for (auto* c : {&*host, &*viewer}) {
    auto paired = co_await (*c)->Receive(ec);
    if (!paired || paired->data.find("paired") == std::string::npos)
      co_return Status::Io("not paired: " + (paired ? paired->data : ec.message()));
  }
  co_return Pair{*host, *viewer};
}

asio::awaitable<void> Pump(std::shared_ptr<WsConnection> from, Clock::time_point until) {
  std::string block(64 * 1024, 'x');
  while (Clock::now() < until) {
    Frame f{false, block};
    if (!co_await from->Send(std::move(f))) co_return;
  }
}

asio::awaitable<void> Drain(std::shared_ptr<WsConnection> to, Clock::time_point until,
                            uint64_t& bytes) {
  while (Clock::now() < until) {
    error_code ec;
    auto f = co_await to->Receive(ec);
    if (!f) co_return;
    bytes += f->data.size();
  }
}

asio::awaitable<void> PingPong(Pair p, int rounds, std::vector<double>& rtts_us) {
  std::string msg(1024, 'p');
  for (int i = 0; i < rounds; ++i) {
    auto t0 = Clock::now();
    Frame f{false, msg};
    co_await p.viewer->Send(std::move(f));
    error_code ec;
    auto at_host = co_await p.host->Receive(ec);
    if (!at_host) co_return;
    Frame back{false, std::move(at_host->data)};
    co_await p.host->Send(std::move(back));
    auto at_viewer = co_await p.viewer->Receive(ec);
    if (!at_viewer) co_return;
    rtts_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"relay_bench: throughput, latency and memory of telemaint-relay on loopback"};
  int sessions = 8, seconds = 5, rounds = 500;
  app.add_option("--sessions", sessions, "Concurrent sessions")->capture_default_str();
  app.add_option("--seconds", seconds, "Duration of the throughput phase")->capture_default_str();
  app.add_option("--rounds", rounds, "1 KiB round trips per session")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  testing::Deployment d;
  auto relay = d.StartRelay({"--joins-per-minute", "100000"});
  long rss_idle = testing::ProcStatusKb(relay->pid(), "VmRSS");
  auto tls = MakeClientTlsContext(d.ca());
  HostPort where{"localhost", d.relay_port()};
  asio::io_context io;

  std::vector<Pair> pairs;
  co_spawn(io, [&]() -> asio::awaitable<void> {
    for (int i = 0; i < sessions; ++i) {
      auto p = co_await Connect(**tls, where);
      if (!p.ok()) {
        std::fprintf(stderr, "session %d: %s\n", i, p.status().message().c_str());
        co_return;
      }
      pairs.push_back(*p);
    }
  }, [&](std::exception_ptr) { io.stop(); });
  // Every phase is bounded: the connections' writers would keep run() going forever.
  io.run_for(std::chrono::seconds(120));
  io.restart();
  if (static_cast<int>(pairs.size()) != sessions) return 1;
  long rss_paired = testing::ProcStatusKb(relay->pid(), "VmRSS");

  // Throughput: every host streams 64 KiB messages to its viewer.
  std::vector<uint64_t> received(sessions, 0);
  auto start = Clock::now();
  auto until = start + std::chrono::seconds(seconds);
  long rss_peak_forwarding = rss_paired;
  for (int i = 0; i < sessions; ++i) {
    co_spawn(io, Pump(pairs[i].host, until), asio::detached);
    co_spawn(io, Drain(pairs[i].viewer, until, received[i]), asio::detached);
  }
  asio::steady_timer sampler(io);
  std::function<void()> sample = [&] {
    rss_peak_forwarding =
        std::max(rss_peak_forwarding, testing::ProcStatusKb(relay->pid(), "VmRSS"));
    if (Clock::now() < until) {
      sampler.expires_after(std::chrono::milliseconds(100));
      sampler.async_wait([&](error_code) { sample(); });
    }
  };
  sample();
  io.run_until(until + std::chrono::milliseconds(200));
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  uint64_t total = std::accumulate(received.begin(), received.end(), uint64_t{0});
  // Let queued frames drain before the latency phase.
  io.restart();
  io.run_for(std::chrono::milliseconds(500));

  // Fresh sessions for latency so no throughput backlog remains.
  for (auto& p : pairs) {
    p.host->Abort();
    p.viewer->Abort();
  }
  io.restart();
  io.run_for(std::chrono::milliseconds(200));
  pairs.clear();
  io.restart();
  co_spawn(io, [&]() -> asio::awaitable<void> {
    for (int i = 0; i < sessions; ++i) {
      auto p = co_await Connect(**tls, where);
      if (p.ok()) pairs.push_back(*p);
    }
  }, [&](std::exception_ptr) { io.stop(); });
  io.run_for(std::chrono::seconds(120));
  io.restart();
  std::vector<std::vector<double>> rtts(pairs.size());
  int done = 0;
  for (size_t i = 0; i < pairs.size(); ++i)
    co_spawn(io, PingPong(pairs[i], rounds, rtts[i]), [&](std::exception_ptr) {
      if (++done == static_cast<int>(pairs.size())) io.stop();
    });
  io.run_for(std::chrono::seconds(120));
  std::vector<double> all;
  for (auto& r : rtts) all.insert(all.end(), r.begin(), r.end());
  long hwm = testing::ProcStatusKb(relay->pid(), "VmHWM");

  std::printf("relay_bench: %d concurrent sessions through telemaint-relay (TLS 1.3, loopback)\n",
              sessions);
  std::printf("  throughput, 64 KiB messages: %.1f MB/s total, %.1f MB/s per session (%.1f s)\n",
              total / elapsed / 1e6, total / elapsed / 1e6 / sessions, elapsed);
  std::printf("  round trip, 1 KiB messages:  p50 %.0f us, p99 %.0f us (%zu samples)\n",
              Percentile(all, 0.50), Percentile(all, 0.99), all.size());
  std::printf("  relay memory: idle %ld KiB, %d sessions paired %ld KiB, peak while forwarding "
              "%ld KiB (%.0f KiB per session over idle)\n",
              rss_idle, sessions, rss_paired, rss_peak_forwarding,
              static_cast<double>(rss_peak_forwarding - rss_idle) / sessions);
  std::printf("  relay VmHWM (includes the Argon2id logins, 64 MiB each while hashing): %ld KiB\n",
              hwm);
  for (auto& p : pairs) {
    p.host->Abort();
    p.viewer->Abort();
  }
  io.restart();
  io.run_for(std::chrono::milliseconds(200));
  return 0;
}
