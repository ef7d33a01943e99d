#include "relay/relay.h"

#include <boost/asio/signal_set.hpp>
#include <sys/resource.h>

#include <algorithm>

#include "common/log.h"
#include "net/tls.h"
#include "crypto/certificate.h"
#include "crypto/identity.h"
#include "org/statements.h"
#include "relay/core.h"

namespace telemaint::relay {

using namespace net;

struct Relay::Impl {
  asio::io_context io{1};
  std::unique_ptr<RelayCore> core;
};

Relay::Relay(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Relay::~Relay() = default;

namespace {

// Each connection is a descriptor (plus a few for the databases, logs and the listener): take
// the hard limit, and when even that is too small, serve fewer connections rather than fail
// at accept() under load.
void FitConnectionsToDescriptors(RelayOptions& options) {
  constexpr rlim_t kReserved = 64 + 64;  // our own files, and the connections told "busy"
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= options.max_connections + kReserved)
    return;
  const size_t fits = limit.rlim_cur > kReserved ? limit.rlim_cur - kReserved : 1;
  log::Warn("only ", limit.rlim_cur, " open files are allowed (ulimit -n): serving at most ",
            fits, " connections instead of ", options.max_connections);
  options.max_connections = fits;
  options.max_connections_per_address = std::min(options.max_connections_per_address, fits);
}

}  // namespace

Result<std::unique_ptr<Relay>> Relay::Create(RelayOptions options) {
  if (!options.now) options.now = [] { return Clock::now(); };
  FitConnectionsToDescriptors(options);
  if (Status s = crypto::CheckEcdsaCertificate(options.cert_file); !s.ok()) return s;
  if (Status s = CheckNoOtherRelay(options.data_dir); !s.ok()) return s;
  auto tls = MakeServerTlsContext(options.cert_file, options.key_file);
  if (!tls.ok()) return tls.status();
  auto users = UserStore::Open(options.data_dir);
  if (!users.ok()) return users.status();
  audit::AuditLogOptions audit_options;
  audit_options.data_dir = options.data_dir;
  audit_options.checkpoint_every = options.audit_checkpoint_every;
  audit_options.quiet_checkpoint = options.audit_checkpoint_quiet;
  audit_options.accept_restore = options.audit_accept_restore;
  audit_options.relay_version = "telemaint-relay/0.1";
  const std::string data_dir = options.data_dir;
  auto audit_log = audit::AuditLog::Open(audit_options);
  if (!audit_log.ok()) return Status::Io("audit log: " + audit_log.status().message());
  std::optional<Bytes> org_key;
  if (!options.org_key.empty()) {
    auto key = org::ReadOrgKey(options.org_key);
    if (!key.ok()) return Status::InvalidInput("--org-key: " + key.status().message());
    org_key = std::move(*key);
  }
  const bool web_root_given = !options.web_root.empty() && options.web_root != "none";
  auto web = WebFiles::Load(options.web_root.empty() ? DefaultWebRoot()
                            : web_root_given         ? options.web_root
                                                     : std::string(),
                            web_root_given);
  if (!web.ok()) return web.status();
  auto impl = std::make_unique<Impl>();
  impl->core = std::make_unique<RelayCore>(impl->io, std::move(options), std::move(*users),
                                           std::move(*audit_log), std::move(*tls));
  if (org_key) {
    auto store = OrgStore::Open(data_dir);
    if (!store.ok()) return store.status();
    if (Status s = impl->core->SetOrganisation(*org_key, std::move(*store)); !s.ok()) return s;
    log::Info("organisation key ", crypto::KeyFingerprint(*org_key));
  }
  if (web->size() > 0) log::Info("serving the web viewer (", web->size(), " files)");
  impl->core->SetWebFiles(std::move(*web));
  if (Status s = impl->core->Listen(); !s.ok()) return s;
  return std::unique_ptr<Relay>(new Relay(std::move(impl)));
}

uint16_t Relay::port() const { return impl_->core->port(); }
const RelayStats& Relay::stats() const { return impl_->core->stats(); }

void Relay::Run(bool handle_signals, const std::function<void()>& on_ready) {
  auto& io = impl_->io;
  auto* core = impl_->core.get();
  asio::signal_set signals(io);
  if (handle_signals) {
    signals.add(SIGINT);
    signals.add(SIGTERM);
    signals.async_wait([core](error_code ec, int sig) {
      if (!ec) {
        log::Info("signal ", sig, " received");
        core->Shutdown();
      }
    });
  }
  core->Start();
  // After Shutdown, peers have up to 3 s to receive their notice and close; then whoever did
  // not leave in time is cut off, and the loop stops.
  co_spawn(io, [&io, core, &signals]() -> asio::awaitable<void> {
    co_await core->WaitStopping();
    error_code ignored;
    signals.cancel(ignored);
    const bool all_left = co_await core->WaitConnectionsClosed(std::chrono::seconds(3));
    if (!all_left) {
      core->AbortAll();
      co_await SleepFor(std::chrono::milliseconds(50));  // their handlers unwind
    }
    io.stop();
  }, asio::detached);
  if (on_ready) on_ready();
  io.run();
  core->CloseAudit();
  log::Info("relay stopped");
}

void Relay::Shutdown() {
  asio::post(impl_->io, [core = impl_->core.get()] { core->Shutdown(); });
}

}  // namespace telemaint::relay
