#include "relay/admin_cli.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <iostream>
#include <limits>

#include "audit/packs.h"
#include "audit/store.h"
#include "common/clock.h"
#include "common/log.h"
#include "relay/relay.h"

namespace telemaint::relay {
namespace {

int Fail(const std::string& why, int code = 1) {
  std::cerr << "error: " << why << "\n";
  return code;
}

// One request to the running relay, one answer; an error sentence when it cannot be asked.
Result<nlohmann::json> AskRelay(const std::string& data_dir, const nlohmann::json& request) {
  const std::string path = ControlSocketPath(data_dir);
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) return Status::InvalidInput(path + " is too long");
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::Io(std::strerror(errno));
  timeval timeout{30, 0};  // a checkpoint waits for the disk, never for long
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    const int err = errno;
    close(fd);
    return Status::NotFound("the relay of " + data_dir + " is not running (" + path + ": " +
                               std::strerror(err) + "); only the running relay writes its log");
  }
  const std::string text = request.dump() + "\n";
  std::string answer;
  bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  char buffer[4096];
  ssize_t n;
  while (ok && answer.find('\n') == std::string::npos &&
         (n = read(fd, buffer, sizeof buffer)) > 0)
    answer.append(buffer, static_cast<size_t>(n));
  close(fd);
  auto parsed = nlohmann::json::parse(answer, nullptr, false);
  if (!ok || !parsed.is_object()) return Status::Io("the relay did not answer");
  if (!parsed.value("ok", false))
    return Status::InvalidInput("the relay refused: " + parsed.value("error", std::string("?")));
  return parsed;
}

// "10", "2.5" or "1:30" hours as minutes; nullopt if none of these.
std::optional<int64_t> ParseHours(const std::string& text) {
  if (auto colon = text.find(':'); colon != std::string::npos) {
    char* end = nullptr;
    const long h = std::strtol(text.c_str(), &end, 10);
    const long m = std::strtol(text.c_str() + colon + 1, &end, 10);
    if (*end || end == text.c_str() + colon + 1 || h < 0 || m < 0 || m > 59) return std::nullopt;
    return h * 60 + m;
  }
  char* end = nullptr;
  const double hours = std::strtod(text.c_str(), &end);
  if (text.empty() || *end || !std::isfinite(hours) || hours <= 0) return std::nullopt;
  return static_cast<int64_t>(std::llround(hours * 60));
}

int AddPack(const PackCommand& cmd) {
  auto minutes = ParseHours(cmd.hours);
  if (!minutes) return Fail("--hours: a number of hours, e.g. 10, 2.5 or 1:30", 2);
  const std::string date = cmd.date.empty() ? audit::IsoTime(UnixMillisNow()).substr(0, 10)
                                            : cmd.date;
  audit::Pack pack{cmd.customer, *minutes, date, cmd.note, "", 0};
  if (auto data = audit::PackData(pack); !data.ok()) return Fail(data.status().message(), 2);
  auto answer = AskRelay(cmd.data_dir, {{"op", wire::ToWire(wire::ControlOp::kPackAdd)},
                                        {"customer", cmd.customer}, {"minutes", *minutes},
                                        {"date", date}, {"note", cmd.note}});
  if (!answer.ok()) return Fail(answer.status().message());
  std::cout << "Recorded in the audit log: a pack of " << *minutes / 60 << " h "
            << (*minutes % 60 < 10 ? "0" : "") << *minutes % 60 << " for '"
            << log::Printable(audit::TrimmedName(cmd.customer)) << "', bought " << date << ".\n";
  return 0;
}

int ListPacks(const PackCommand& cmd) {
  auto store = audit::AuditStore::Open(audit::AuditDbPath(cmd.data_dir), /*read_only=*/true);
  if (!store.ok()) return Fail(store.status().message());
  auto records = (*store)->OfKinds({wire::AuditKind::kPackAdded},
                                   std::numeric_limits<int64_t>::max());
  if (!records.ok()) return Fail(records.status().message());
  int shown = 0;
  std::printf("%-24s %-10s %8s  %s\n", "CUSTOMER", "DATE", "HOURS", "NOTE");
  for (const audit::StoredRecord& stored : *records) {
    auto record = audit::ParseBody(stored.body);
    std::optional<audit::Pack> pack;
    try {
      if (record.ok()) pack = audit::PackFromRecord(*record);
    } catch (const nlohmann::json::exception&) {
    }
    if (!pack) continue;
    if (!cmd.customer.empty() &&
        audit::CustomerKey(pack->customer) != audit::CustomerKey(cmd.customer))
      continue;
    ++shown;
    std::printf("%-24s %-10s %5lld:%02lld  %s\n", log::Printable(pack->customer).c_str(),
                pack->date.c_str(), static_cast<long long>(pack->minutes / 60),
                static_cast<long long>(pack->minutes % 60), log::Printable(pack->note).c_str());
  }
  if (shown == 0) std::cout << "(no pack recorded)\n";
  std::cout << "As recorded, unverified; what each customer used and has left, from a log that "
               "verifies: telemaint-audit packs\n";
  return 0;
}

}  // namespace

int RunAuditCheckpoint(const std::string& data_dir) {
  auto answer = AskRelay(data_dir, {{"op", wire::ToWire(wire::ControlOp::kAuditCheckpoint)}});
  if (!answer.ok()) return Fail(answer.status().message());
  std::cout << "The audit log is signed through record " << answer->value("seq", int64_t{0})
            << ".\n";
  return 0;
}

int RunPackCommand(const PackCommand& cmd) {
  if (cmd.action == "add") return AddPack(cmd);
  if (cmd.action == "list") return ListPacks(cmd);
  return Fail("unknown pack action '" + cmd.action + "'", 2);
}

}  // namespace telemaint::relay
