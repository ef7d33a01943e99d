#include "relay/pairing.h"

#include <cstdio>

namespace telemaint::relay {

namespace {
constexpr uint32_t kNameplateSpace = 100000;  // 5 digits
}

PairingRegistry::PairingRegistry(Options options, NowFn now, RandomFn random)
    : options_(options), now_(std::move(now)), random_(std::move(random)) {}

bool PairingRegistry::Taken(const std::string& np) const {
  return waiting_.count(np) || tombstones_.count(np);
}

Result<std::string> PairingRegistry::Allocate(HostId host) {
  if (waiting_.size() >= options_.max_waiting)
    return Status::Limit("too many customers are waiting for a technician");
  SweepTombstones();
  // Random probing; the space is 10x larger than every limit, so this ends quickly.
  for (int attempt = 0; attempt < 1000; ++attempt) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%05u", random_(kNameplateSpace));
    std::string np(buf);
    if (Taken(np)) continue;
    waiting_[np] = Waiting{host, now_() + options_.ttl};
    return np;
  }
  return Status::Limit("no free session number; try again in a minute");
}

PairingRegistry::Found PairingRegistry::Find(const std::string& np) const {
  auto w = waiting_.find(np);
  if (w != waiting_.end()) {
    if (now_() >= w->second.expires) return {Lookup::kExpired, 0};
    return {Lookup::kWaiting, w->second.host};
  }
  auto t = tombstones_.find(np);
  if (t != tombstones_.end() && now_() < t->second.until) return {t->second.state, 0};
  return {Lookup::kUnknown, 0};
}

void PairingRegistry::MarkPaired(const std::string& np) {
  if (waiting_.erase(np)) Bury(np, Lookup::kInUse);
}

void PairingRegistry::Release(const std::string& np) {
  // A host that leaves, or asks for a new code, leaves its code behind as expired: a late
  // technician is told so, and the number is not handed to another customer's host at once
  // (the technician would land there and burn its code).
  if (waiting_.erase(np)) Bury(np, Lookup::kExpired);
}

std::vector<PairingRegistry::HostId> PairingRegistry::ExpireDue() {
  std::vector<HostId> due;
  auto now = now_();
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    if (now >= it->second.expires) {
      due.push_back(it->second.host);
      std::string np = it->first;
      it = waiting_.erase(it);
      Bury(np, Lookup::kExpired);
    } else {
      ++it;
    }
  }
  SweepTombstones();
  return due;
}

void PairingRegistry::Bury(const std::string& np, Lookup state) {
  tombstones_[np] = Tombstone{state, now_() + options_.tombstone_ttl};
  tombstone_order_.push_back(np);
  while (tombstone_order_.size() > options_.max_tombstones) {
    tombstones_.erase(tombstone_order_.front());
    tombstone_order_.pop_front();
  }
}

void PairingRegistry::SweepTombstones() {
  auto now = now_();
  while (!tombstone_order_.empty()) {
    auto it = tombstones_.find(tombstone_order_.front());
    if (it != tombstones_.end() && now < it->second.until) break;
    if (it != tombstones_.end()) tombstones_.erase(it);
    tombstone_order_.pop_front();
  }
}

}  // namespace telemaint::relay
