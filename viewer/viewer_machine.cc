// ViewerApp for an enrolled machine: no code; the technician's certificate and the machine's
// org-signed record authenticate the two ends (crypto/unattended.h), and the machine's policy
// decides. See docs/technician-guide.md#unattended-access.
#include "common/log.h"
#include "crypto/unattended.h"
#include "net/local_socket.h"
#include "org/statements.h"
#include "viewer/app_impl.h"

namespace telemaint::viewer {

using peer::Ending;

asio::awaitable<int> ViewerApp::Impl::MainMachine(std::string password) {
  auto key = crypto::SigningKey::LoadOrCreate(options.key_file);
  std::string warning;
  auto me = key.ok()
                ? LoadCredential(options.cert_file, options.org_key, key->public_key(), warning)
                : Result<TechnicianCredential>(key.status());
  tcp::acceptor acceptor(co_await asio::this_coro::executor);
  const bool listening = options.snapshot_file.empty() && !options.window;
  Result<uint16_t> port = listening ? ListenOn(acceptor, options.listen, 1) : uint16_t{0};
  if (!me.ok() || !port.ok()) {
    crypto::Wipe(password);
    say("Error: " + (me.ok() ? port.status().message() : me.status().message()));
    co_return kExitSetup;
  }
  if (!warning.empty()) say("Warning: " + warning + ".");
  org_key = me->org_key;
  auto joined = co_await Join("", std::move(password));
  crypto::Wipe(password);
  if (auto* exit = std::get_if<int>(&joined)) co_return *exit;
  const std::string session_id = std::get<wire::Paired>(joined).session;
  auto channel = co_await MachineHandshake(*me, *key, session_id);
  if (auto* exit = std::get_if<int>(&channel)) co_return *exit;
  co_return co_await RunSession(std::move(std::get<peer::Channel>(channel)), session_id, *key,
                                acceptor, *port);
}

asio::awaitable<std::variant<peer::Channel, int>> ViewerApp::Impl::MachineHandshake(
    const TechnicianCredential& me, const crypto::SigningKey& key, const std::string& session) {
  const Bytes wanted_id = org::IsMachineId(options.machine) ? FromHex(options.machine) : Bytes();
  std::optional<org::MachineRecord> reached;
  auto hs = crypto::UnattendedHandshake::Create(
      crypto::UnattendedHandshake::Role::kViewer, FromHex(session), wanted_id, key, me.certificate,
      [&](std::string_view record, ByteView machine_id) -> Result<Bytes> {
        auto checked =
            CheckMachine(me, record, machine_id, options.machine, options.revocations_file);
        if (!checked.ok()) return checked.status();
        reached = *checked;
        return checked->key;
      });
  if (!hs.ok()) co_return kExitSetup;
  auto result = co_await peer::RunHandshake(*ws, *hs, std::chrono::seconds(30));
  if (auto* channel = std::get_if<peer::Channel>(&result)) {
    say("Connected to " + reached->name + " (" + reached->customer + ", machine " +
        reached->machine_id + "), unattended session " + session.substr(0, 8) + ".");
    co_return std::move(*channel);
  }
  const Ending& ending = std::get<Ending>(result);
  if (ending.kind == Ending::Kind::kNotAuthorised) {  // the machine's record did not check out
    ws->SendText(wire::Encode(wire::Abort{wire::EndReason::kNotAuthorised}));
    ws->CloseAfterFlush(websocket::close_code::normal);
    say("Error: the machine could not be authenticated: " + ending.message);
    co_return kExitSessionLost;
  }
  if (interrupted) {
    say("Cancelled.");
    co_return kExitOk;
  }
  if (ending.reason == wire::EndReason::kNotAuthorised) {
    say("Error: the machine refused your certificate (it may have expired or been revoked, "
        "or not cover this customer) — ask your admin.");
    co_return kExitLogin;
  }
  say("Error: " + ending.message);
  co_return kExitSessionLost;
}

}  // namespace telemaint::viewer
