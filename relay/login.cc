// Logins of technicians (joins) and auditors (the audit endpoints): throttles, the bound on
// concurrent checks, and the Argon2id check on a worker thread.
#include "common/log.h"
#include "crypto/password.h"
#include "crypto/secret.h"
#include "relay/core.h"

namespace telemaint::relay {

using namespace net;
using wire::ErrorCode;

std::optional<ErrorCode> RelayCore::RefuseBeforeChecking(const std::string& address,
                                                         const std::string& name) {
  if (failures_by_address_.LockedOut(address) || failures_by_account_.LockedOut(name))
    return ErrorCode::kRateLimited;
  // Each check costs 64 MiB and ~0.1 s: a flood must not queue up behind real technicians.
  if (logins_in_flight_ >= options_.max_concurrent_logins) return ErrorCode::kServerBusy;
  return std::nullopt;
}

asio::awaitable<RelayCore::AuthOutcome> RelayCore::Authenticate(std::string address,
                                                                std::string name,
                                                                std::string password,
                                                                Purpose purpose) {
  auto secret = crypto::SecretBytes::TakeString(password);
  if (auto refused = RefuseBeforeChecking(address, name)) {
    AuthOutcome out;
    out.error = *refused;
    co_return out;
  }
  ++logins_in_flight_;
  struct InFlight {
    size_t& n;
    ~InFlight() { --n; }
  } in_flight{logins_in_flight_};
  auto delay = std::max(failures_by_address_.DelayFor(address),
                        failures_by_account_.DelayFor(name));
  if (delay > Clock::duration::zero()) co_await SleepFor(delay);
  // Argon2id costs ~0.1 s and 64 MiB: run it on the worker pool, not the io thread.
  auto checked = co_await co_spawn(
      workers_,
      [this, &name, &secret, purpose]() -> asio::awaitable<AuthOutcome> {
        co_return CheckPassword(name, secret, purpose);
      },
      asio::use_awaitable);
  CountOutcome(address, name, checked);
  co_return checked;
}

// On a worker thread: touches only the (thread-safe) account store.
RelayCore::AuthOutcome RelayCore::CheckPassword(const std::string& name,
                                                const crypto::SecretBytes& password,
                                                Purpose purpose) {
  AuthOutcome r;
  auto user = IsValidUserName(name) ? users_->Get(name)
                                    : Result<std::optional<User>>(std::optional<User>());
  if (!user.ok()) {
    log::Error("account lookup failed: ", user.status().message());
    r.error = ErrorCode::kInternal;
    return r;
  }
  const bool exists = user->has_value();
  // The same work whether or not the account exists: no answer or timing reveals it.
  const std::string& hash = exists ? (*user)->password_hash : crypto::DummyPasswordHash();
  const bool good = crypto::VerifyPassword(hash, password) && exists && !(*user)->disabled;
  if (!good) {
    r.error = ErrorCode::kAuthFailed;
    return r;
  }
  const Role role = (*user)->role;
  const Role needed = purpose == Purpose::kAudit ? Role::kAuditor : Role::kTechnician;
  if (role != Role::kAdmin && role != needed) {
    r.error = ErrorCode::kForbidden;
    return r;
  }
  r.ok = true;
  r.user = std::move(*user);
  return r;
}

void RelayCore::CountOutcome(const std::string& address, const std::string& name,
                             const AuthOutcome& outcome) {
  if (!outcome.ok && outcome.error == ErrorCode::kAuthFailed) {
    failures_by_address_.RecordFailure(address);
    failures_by_account_.RecordFailure(name);
  } else if (outcome.ok) {
    failures_by_address_.RecordSuccess(address);
    failures_by_account_.RecordSuccess(name);
  }
}

}  // namespace telemaint::relay
