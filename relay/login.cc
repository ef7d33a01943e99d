// Logins of technicians (joins) and auditors (the audit endpoints): throttles, the bound on
// concurrent checks, and the Argon2id check on a worker thread.
#include "common/log.h"
#include "crypto/password.h"
#include "crypto/secret.h"
#include "relay/core.h"
#include "relay/throttle.h"

namespace telemaint::relay {

using namespace net;
using wire::ErrorCode;

namespace {

// One office behind NAT is one address: a few of its technicians may log in at the same
// moment; one address can still hold only a quarter of the 16 check slots.
constexpr size_t kLoginsInFlightPerAddress = 4;

// The keys of one attempt: its address group, and the account as tried from there (an
// attacker elsewhere cannot lock a technician out of their own office).
struct AttemptKeys {
  std::string address, account;
  AttemptKeys(const std::string& from, const std::string& name)
      : address(AddressGroup(from)), account(name + "|" + address) {}
};

}  // namespace

// Refused at once, holding nothing: locked out, within a retry-after (answered with how long),
// an attempt already in flight for this account or address, or all check slots busy.
std::optional<ErrorCode> RelayCore::RefuseBeforeChecking(const std::string& address,
                                                         const std::string& name,
                                                         std::chrono::seconds& retry_after) {
  const AttemptKeys keys(address, name);
  if (failures_by_address_.LockedOut(keys.address) || failures_by_account_.LockedOut(keys.account))
    return ErrorCode::kRateLimited;
  const auto wait = std::max(failures_by_address_.RetryAfter(keys.address),
                             failures_by_account_.RetryAfter(keys.account));
  if (wait > Clock::duration::zero()) {
    retry_after = std::chrono::ceil<std::chrono::seconds>(wait);
    return ErrorCode::kRateLimited;
  }
  if (logins_by_address_.count(keys.address) >= kLoginsInFlightPerAddress ||
      logins_by_account_.count(name)) {
    retry_after = std::chrono::seconds(1);
    return ErrorCode::kRateLimited;
  }
  // Each check costs 64 MiB and ~0.1 s: a flood must not queue up behind real technicians.
  if (logins_in_flight_ >= options_.max_concurrent_logins) return ErrorCode::kServerBusy;
  return std::nullopt;
}

asio::awaitable<RelayCore::AuthOutcome> RelayCore::Authenticate(std::string address,
                                                                std::string name,
                                                                std::string password,
                                                                Purpose purpose) {
  auto secret = crypto::SecretBytes::TakeString(password);
  AuthOutcome refused;
  if (auto code = RefuseBeforeChecking(address, name, refused.retry_after)) {
    refused.error = *code;
    co_return refused;
  }
  const AttemptKeys keys(address, name);
  // Counted as a failure now, before the check; given back below when it was not one.
  failures_by_address_.RecordFailure(keys.address);
  failures_by_account_.RecordFailure(keys.account);
  ++logins_in_flight_;
  logins_by_address_.insert(keys.address);  // a multiset: one entry per attempt
  logins_by_account_.insert(name);
  struct InFlight {
    RelayCore& core;
    const AttemptKeys& keys;
    const std::string& name;
    ~InFlight() {
      --core.logins_in_flight_;
      core.logins_by_address_.erase(core.logins_by_address_.find(keys.address));
      core.logins_by_account_.erase(name);
    }
  } in_flight{*this, keys, name};
  // Argon2id costs ~0.1 s and 64 MiB: run it on the worker pool, not the io thread.
  auto checked = co_await co_spawn(
      workers_,
      [this, &name, &secret, purpose]() -> asio::awaitable<AuthOutcome> {
        co_return CheckPassword(name, secret, purpose);
      },
      asio::use_awaitable);
  CountOutcome(keys.address, keys.account, checked);
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

// The attempt was counted as a failure when it started. A wrong password, or a valid one on
// the wrong endpoint (forbidden), stays one; a success clears them; a check that could not be
// made is given back.
void RelayCore::CountOutcome(const std::string& address_key, const std::string& account_key,
                             const AuthOutcome& outcome) {
  if (outcome.ok) {
    failures_by_address_.RecordSuccess(address_key);
    failures_by_account_.RecordSuccess(account_key);
  } else if (outcome.error != ErrorCode::kAuthFailed && outcome.error != ErrorCode::kForbidden) {
    failures_by_address_.Forgive(address_key);
    failures_by_account_.Forgive(account_key);
  }
}

}  // namespace telemaint::relay
