// The relay's local control socket (DATA_DIR/control.sock, 0600): its own administration
// commands (`telemaint-relay audit-checkpoint`, `pack add`) reach the running relay here, since
// only the relay writes its audit log. One JSON request line, one JSON answer line. Whoever can
// connect can already read the data directory; the peer's uid is recorded as who asked.
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <filesystem>

#include "audit/packs.h"
#include "common/log.h"
#include "relay/core.h"

namespace telemaint::relay {

using namespace net;
using local_stream = asio::local::stream_protocol;

std::string ControlSocketPath(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "control.sock").string();
}

Status CheckNoOtherRelay(const std::string& data_dir) {
  const std::string path = ControlSocketPath(data_dir);
  asio::io_context io;
  local_stream::socket probe(io);
  error_code ec;
  probe.connect(local_stream::endpoint(path), ec);
  if (ec) return Status::Ok();  // nothing answers: no relay runs there
  return Status::InvalidInput("another relay is running on " + data_dir + " (" + path +
                              " answers); two relays would both write its audit log");
}

namespace {

constexpr size_t kMaxRequest = 64 * 1024;

// "root (uid 0)": the local account on the other end of the socket.
std::string PeerAccount(local_stream::socket& socket) {
  ucred cred{};
  socklen_t len = sizeof cred;
  if (getsockopt(socket.native_handle(), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
    return "unknown";
  passwd pw{}, *found = nullptr;
  char buffer[1024];
  std::string name = getpwuid_r(cred.uid, &pw, buffer, sizeof buffer, &found) == 0 && found
                         ? std::string(found->pw_name)
                         : std::string("?");
  return name + " (uid " + std::to_string(cred.uid) + ")";
}

nlohmann::json Refused(const std::string& why) { return {{"ok", false}, {"error", why}}; }

}  // namespace

Status RelayCore::ListenControl() {
  const std::string path = ControlSocketPath(options_.data_dir);
  if (path.size() >= sizeof(sockaddr_un{}.sun_path))
    return Status::InvalidInput("--data-dir is too long for its control socket " + path);
  ::unlink(path.c_str());  // left by a relay that was killed (CheckNoOtherRelay ran first)
  error_code ec;
  const mode_t old_mask = ::umask(0077);  // 0600 from its first moment
  control_.open(local_stream(), ec);
  if (!ec) control_.bind(local_stream::endpoint(path), ec);
  ::umask(old_mask);
  if (!ec) control_.listen(8, ec);
  if (ec) return Status::Io("cannot listen on " + path + ": " + ec.message());
  return Status::Ok();
}

asio::awaitable<void> RelayCore::ControlLoop() {
  while (!stopping_) {
    error_code ec;
    local_stream::socket socket = co_await control_.async_accept(Nothrow(ec));
    if (ec) {
      if (stopping_) break;
      co_await SleepFor(std::chrono::milliseconds(100));
      continue;
    }
    co_spawn(io_, ServeControl(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> RelayCore::ServeControl(local_stream::socket accepted) {
  // Shared with the deadline's handler, which may run after this coroutine has returned.
  auto socket_ptr = std::make_shared<local_stream::socket>(std::move(accepted));
  local_stream::socket& socket = *socket_ptr;
  asio::steady_timer deadline(io_, std::chrono::seconds(10));
  deadline.async_wait([socket_ptr](error_code ec) {
    if (!ec) socket_ptr->close(ec);  // a client that says nothing is not served forever
  });
  std::string line;
  error_code ec;
  const size_t n = co_await asio::async_read_until(
      socket, asio::dynamic_buffer(line, kMaxRequest), '\n', Nothrow(ec));
  nlohmann::json answer;
  if (ec) {
    answer = Refused("the request was not one line of at most 64 KiB");
  } else {
    auto request = nlohmann::json::parse(line.substr(0, n), nullptr, false);
    auto run = AnswerControl(std::move(request), PeerAccount(socket));
    answer = co_await std::move(run);
  }
  const std::string text = answer.dump() + "\n";
  co_await asio::async_write(socket, asio::buffer(text), Nothrow(ec));
  deadline.cancel();
}

asio::awaitable<nlohmann::json> RelayCore::AnswerControl(nlohmann::json request, std::string by) {
  if (!request.is_object() || !request.contains("op") || !request["op"].is_string())
    co_return Refused("not a control request");
  auto op = wire::FromWire<wire::ControlOp>(request["op"].get<std::string>());
  if (!op) co_return Refused("unknown request (is the relay older than this command?)");
  if (!audit_) co_return Refused("the audit log is closed");
  log::Info("control: ", wire::ToWire(*op), " asked by ", by);
  if (*op == wire::ControlOp::kAuditCheckpoint) {
    auto done = CheckpointNow();
    co_return co_await std::move(done);
  }
  audit::Pack pack;
  try {
    pack = {request.at("customer").get<std::string>(), request.at("minutes").get<int64_t>(),
            request.at("date").get<std::string>(), request.value("note", ""), by, 0};
  } catch (const nlohmann::json::exception&) {
    co_return Refused("a pack needs customer, minutes and date");
  }
  auto data = audit::PackData(pack);
  if (!data.ok()) co_return Refused(data.status().message());
  const bool written = co_await AuditDurable(wire::AuditKind::kPackAdded, "", std::move(*data));
  if (!written) co_return Refused("the audit log could not record the pack (see the relay's log)");
  co_return nlohmann::json{{"ok", true}};
}

// Asks the writer for a checkpoint and waits on this (io) thread for its seq.
asio::awaitable<nlohmann::json> RelayCore::CheckpointNow() {
  struct Wait {
    explicit Wait(asio::any_io_executor ex) : done(ex) {}
    AsyncEvent done;
    nlohmann::json answer;
  };
  auto wait = std::make_shared<Wait>(io_.get_executor());
  audit_->RequestCheckpoint([wait, &io = io_](Result<int64_t> seq) {
    nlohmann::json answer = seq.ok() ? nlohmann::json{{"ok", true}, {"seq", *seq}}
                                     : Refused(seq.status().message());
    asio::post(io, [wait, answer = std::move(answer)] {
      wait->answer = answer;
      wait->done.Set();
    });
  });
  co_await wait->done.Wait();
  co_return wait->answer;
}

}  // namespace telemaint::relay
