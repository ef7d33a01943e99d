// File transfer beside the screen: how close it comes to the channel's own throughput, and
// that memory stays bounded whatever the file's size. Prints figures; not a test.
//
// 1. In one process: the end-to-end channel alone (seal and open 60 KiB pieces from memory),
//    then FileTransfers over the same channel (read from disk, SHA-256 both ends, write to
//    disk, the SHA-256 checked before the final name). The ratio is our pipeline's cost.
// 2. The real programs: telemaint-relay (TLS), telemaint-host on Xvfb and telemaint-viewer
//    --send, a small and a large file: throughput from the customer's yes to "File
//    received", and the peak resident memory (VmHWM) of host and viewer for each size.
#include <CLI/CLI.hpp>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "crypto/channel.h"
#include "crypto/random.h"
#include "crypto/secret.h"
#include "peer/channel_link.h"
#include "peer/file_transfers.h"
#include "peer/side_messages.h"
#include "tests/support/deployment.h"
#include "tests/support/xserver.h"

using namespace telemaint;
using namespace telemaint::testing;
using namespace net;
using Clock = std::chrono::steady_clock;

namespace {

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

void WriteFile(const std::string& path, size_t mb) {
  std::ofstream out(path, std::ios::binary);
  Bytes block(1 << 20);
  for (size_t i = 0; i < mb; ++i) {
    crypto::RandomBytes(block);
    out.write(reinterpret_cast<const char*>(block.data()), static_cast<long>(block.size()));
  }
}

struct SealedPair {
  crypto::ChannelSender tx;
  crypto::ChannelReceiver rx;
};

SealedPair MakePair() {
  crypto::SecretBytes key(32);
  crypto::RandomBytes(std::span<uint8_t>(key.data(), key.size()));
  crypto::ChannelSender tx(key);
  auto rx = crypto::ChannelReceiver::Create(key, tx.header());
  return {std::move(tx), std::move(*rx)};
}

// Each piece sealed, opened and handed to the receiving end, as the tunnel and relay would.
class SealingLoopback : public peer::TransferChannel {
 public:
  SealingLoopback(asio::io_context& io) : io_(io), pair_(MakePair()) {}
  peer::FileTransfers* peer = nullptr;
  bool SendSessionMessage(const nlohmann::json& m) override {
    asio::post(io_, [this, m] { peer->OnMessage(m); });
    return true;
  }
  asio::awaitable<bool> SendInner(uint8_t type, ByteView payload) override {
    auto sealed = pair_.tx.Seal(payload);
    auto opened = pair_.rx.Open(*sealed);
    asio::post(io_, [this, plain = std::move(opened->plaintext)] { peer->OnPiece(plain); });
    co_await asio::post(io_, asio::use_awaitable);  // the receiver takes it first: bounded
    co_return true;
  }

 private:
  asio::io_context& io_;
  SealedPair pair_;
};

double ChannelAloneMBps(size_t mb) {
  SealedPair pair = MakePair();
  Bytes piece(peer::kFilePiece + 4);
  crypto::RandomBytes(piece);
  const size_t pieces = mb * (1 << 20) / peer::kFilePiece;
  auto start = Clock::now();
  for (size_t i = 0; i < pieces; ++i) {
    auto sealed = pair.tx.Seal(piece);
    auto opened = pair.rx.Open(*sealed);
    if (!opened.ok()) return 0;
  }
  return static_cast<double>(mb) / Seconds(start);
}

double FileTransfersMBps(const std::string& file, size_t mb, const std::string& into) {
  asio::io_context io;
  SealingLoopback to_host(io), to_viewer(io);
  peer::FileTransfers::Hooks accept{
      [](const peer::TransferView&, std::function<void(bool)> answer) { answer(true); }, nullptr,
      nullptr};
  peer::FileTransfers viewer(to_host, io.get_executor(), wire::Party::kViewer, into, accept);
  bool done = false;
  peer::FileTransfers::Hooks watch = accept;
  watch.changed = [&done](const peer::TransferView& t) { done = done || t.finished(); };
  peer::FileTransfers host(to_viewer, io.get_executor(), wire::Party::kHost, into, watch);
  to_host.peer = &host;
  to_viewer.peer = &viewer;
  auto start = Clock::now();
  if (!viewer.Offer(file).ok()) return 0;
  io.run();
  return done ? static_cast<double>(mb) / Seconds(start) : 0;
}

struct RealRun {
  double mbps = 0;
  long host_hwm_kb = 0, viewer_hwm_kb = 0;
};

RealRun ThroughThePrograms(const std::string& file, size_t mb) {
  Deployment d;
  VirtualDisplay x("800x600x24");
  auto relay = d.StartRelay();
  auto host = d.StartBuiltInHost(x.name(), {"--downloads", d.dir() / "in"});
  std::vector<std::string> argv = {BinPath("telemaint-viewer"), "--relay", d.relay_url(), "--ca",
                                   d.ca(), "--user", "alice", "--code", d.WaitForCode(),
                                   "--key-file", d.key_file(), "--listen", "127.0.0.1:0",
                                   "--send", file};
  Process viewer(argv, {{"TELEMAINT_PASSWORD", kTechPassword}}, "", true);
  RealRun run;
  if (!host->WaitForLine("wants to send you the file", 60s)) return run;
  auto start = Clock::now();
  host->Write("a\n");
  if (!host->WaitForLine("File received:", 600s)) return run;
  run.mbps = static_cast<double>(mb) / Seconds(start);
  run.host_hwm_kb = ProcStatusKb(host->pid(), "VmHWM");
  run.viewer_hwm_kb = ProcStatusKb(viewer.pid(), "VmHWM");
  viewer.Signal(SIGTERM);
  viewer.Wait(20s);
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"file_bench: file transfer throughput against the channel's, and its memory"};
  size_t small_mb = 32, large_mb = 512;
  app.add_option("--small", small_mb, "MiB of the small file")->capture_default_str();
  app.add_option("--large", large_mb, "MiB of the large file")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  TempDir dir;
  const std::string small = dir / "small.bin", large = dir / "large.bin";
  WriteFile(small, small_mb);
  WriteFile(large, large_mb);
  std::filesystem::create_directories(dir / "in");

  const double channel = ChannelAloneMBps(large_mb);
  const double files = FileTransfersMBps(large, large_mb, dir / "in");
  std::printf("in one process, %zu MiB:\n", large_mb);
  std::printf("  channel alone (seal+open)        %8.1f MiB/s\n", channel);
  std::printf("  file transfer over that channel  %8.1f MiB/s  (%.0f%% of the channel's)\n", files,
              channel > 0 ? 100 * files / channel : 0);
  for (auto [path, mb] : {std::pair{small, small_mb}, std::pair{large, large_mb}}) {
    RealRun run = ThroughThePrograms(path, mb);
    std::printf("real relay, host and viewer, %4zu MiB: %7.1f MiB/s, peak memory host %ld MiB, "
                "viewer %ld MiB\n",
                mb, run.mbps, run.host_hwm_kb / 1024, run.viewer_hwm_kb / 1024);
  }
  return 0;
}
