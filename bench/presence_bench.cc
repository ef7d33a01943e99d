// presence_bench: what a connected, idle peer costs a real telemaint-relay on 127.0.0.1:
// N attended hosts waiting with a code, against N enrolled machines online for unattended
// sessions (each proved its key). Each kind gets a relay of its own, measured from its own
// idle baseline, in the same run; the figure to compare is the ratio. See bench/README.md.
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <ctime>
#include <vector>

#include "common/machine_wire.h"
#include "crypto/identity.h"
#include "net/tls.h"
#include "net/ws_client.h"
#include "org/statements.h"
#include "relay/store/org_store.h"
#include "tests/support/deployment.h"

using namespace telemaint;
using namespace telemaint::net;

namespace {

struct Machine {
  std::string id;
  crypto::SigningKey key = crypto::SigningKey::Generate();
};

// Approved records for `machines`, written where the relay reads them at start.
Bytes ApproveAll(const std::string& data_dir, const std::vector<Machine>& machines) {
  auto org = crypto::SigningKey::Generate();
  auto store = relay::OrgStore::Open(data_dir);
  for (const auto& m : machines) {
    org::MachineRecord r{"Bench IT", m.id, "Bench", "bench-" + m.id.substr(0, 8),
                         m.key.public_key(), 0, 0};
    auto text = org::EncodeStatement(
        org::SignStatement(org, org::StatementKind::kMachineRecord, r.ToJson(org.public_key())));
    (void)(*store)->PutMachine({m.id, text, r.name, r.customer, 0, 0, ""});
  }
  return org.public_key();
}

asio::awaitable<std::shared_ptr<WsConnection>> WaitingHost(ssl::context& tls, HostPort relay) {
  const std::string path = "/v1/host";
  DialOptions options;
  auto ws = co_await DialRelay(tls, relay, path, options);
  if (!ws.ok()) co_return nullptr;
  (*ws)->SendText(wire::Encode(wire::Hello{}));
  error_code ec;
  auto nameplate = co_await (*ws)->Receive(ec);
  co_return nameplate && nameplate->data.find("nameplate") != std::string::npos ? *ws : nullptr;
}

asio::awaitable<std::shared_ptr<WsConnection>> OnlineMachine(ssl::context& tls, HostPort relay,
                                                             const Machine& m) {
  const std::string path = "/v1/machine";
  DialOptions options;
  auto ws = co_await DialRelay(tls, relay, path, options);
  if (!ws.ok()) co_return nullptr;
  (*ws)->SendText(wire::EncodeMachine(wire::Present{wire::kProtocolVersion, m.id, "bench"}));
  error_code ec;
  auto challenge = co_await (*ws)->Receive(ec);
  auto decoded = challenge ? wire::DecodeMachine(challenge->data) : Status::Io("closed");
  auto* c = decoded.ok() ? std::get_if<wire::Challenge>(&*decoded) : nullptr;
  if (!c) co_return nullptr;
  auto proof = m.key.Sign(crypto::MachinePresenceStatement(FromHex(c->nonce), m.id));
  (*ws)->SendText(wire::EncodeMachine(wire::Prove{ToHex(proof)}));
  auto welcome = co_await (*ws)->Receive(ec);
  co_return welcome && welcome->data.find("welcome") != std::string::npos ? *ws : nullptr;
}

// Connects `count` peers with `connect`; returns the relay's VmRSS growth per peer in KiB.
template <typename Connect>
double CostPerPeer(testing::Deployment& d, testing::Process& relay, int count, Connect connect) {
  const long idle = testing::ProcStatusKb(relay.pid(), "VmRSS");
  auto tls = MakeClientTlsContext(d.ca());
  HostPort where{"localhost", d.relay_port()};
  asio::io_context io;
  std::vector<std::shared_ptr<WsConnection>> peers;
  co_spawn(io, [&]() -> asio::awaitable<void> {
    for (int i = 0; i < count; ++i)
      if (auto p = co_await connect(**tls, where, i)) peers.push_back(p);
  }, [&](std::exception_ptr) { io.stop(); });
  io.run_for(std::chrono::seconds(300));
  const long connected = testing::ProcStatusKb(relay.pid(), "VmRSS");
  if (static_cast<int>(peers.size()) != count)
    std::fprintf(stderr, "only %zu of %d connected\n", peers.size(), count);
  return peers.empty() ? 0 : static_cast<double>(connected - idle) / peers.size();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"presence_bench: relay memory per waiting host and per online machine"};
  int count = 1000;
  app.add_option("--count", count, "Peers of each kind")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = files.rlim_max;
  setrlimit(RLIMIT_NOFILE, &files);
  const std::vector<std::string> limits = {
      "--max-connections", std::to_string(count + 100), "--max-connections-per-address",
      std::to_string(count + 100), "--hosts-per-minute", "100000", "--max-waiting-hosts",
      std::to_string(count + 100), "--idle-timeout", "600"};

  testing::Deployment attended;
  auto relay_a = attended.StartRelay(limits);
  const double per_host = CostPerPeer(attended, *relay_a, count,
      [](ssl::context& tls, HostPort where, int) { return WaitingHost(tls, where); });

  testing::Deployment managed;
  std::vector<Machine> machines(count);
  for (auto& m : machines) m.id = org::MachineIdForKey(m.key.public_key());
  std::vector<std::string> args = limits;
  args.insert(args.end(), {"--org-key", ToHex(ApproveAll(managed.data_dir(), machines))});
  auto relay_m = managed.StartRelay(args);
  const double per_machine = CostPerPeer(managed, *relay_m, count,
      [&](ssl::context& tls, HostPort where, int i) { return OnlineMachine(tls, where, machines[i]); });

  std::printf("presence_bench: %d peers of each kind, relay VmRSS growth per connected peer\n",
              count);
  std::printf("  attended host waiting with a code: %.1f KiB\n", per_host);
  std::printf("  enrolled machine online:           %.1f KiB\n", per_machine);
  std::printf("  machine / host: %.2f\n", per_host > 0 ? per_machine / per_host : 0.0);
  return 0;
}
