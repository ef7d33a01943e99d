#include "relay/unproven.h"

namespace telemaint::relay {

UnprovenConnections::Entry& UnprovenConnections::Entry::operator=(Entry&& other) noexcept {
  if (this == &other) return *this;
  Proven();
  state_ = std::move(other.state_);
  id_ = other.id_;
  other.id_ = 0;
  return *this;
}

void UnprovenConnections::Entry::SetClose(std::function<void()> close) {
  auto state = state_.lock();
  if (!state) return;
  auto it = state->by_id.find(id_);
  if (it != state->by_id.end()) it->second->close = std::move(close);
}

void UnprovenConnections::Entry::Proven() {
  auto state = state_.lock();
  if (!state || id_ == 0) return;
  auto it = state->by_id.find(id_);
  if (it != state->by_id.end()) {
    state->items.erase(it->second);
    state->by_id.erase(it);
  }
  id_ = 0;
}

UnprovenConnections::Entry UnprovenConnections::Add(std::string address,
                                                    std::function<void()> close) {
  Entry entry;
  entry.state_ = state_;
  entry.id_ = state_->next_id++;
  auto it = state_->items.insert(state_->items.end(),
                                 Item{entry.id_, std::move(address), std::move(close)});
  state_->by_id.emplace(entry.id_, it);
  return entry;
}

// Taken off the list before it is closed: it is closed once, and the next call closes another.
std::optional<std::string> UnprovenConnections::CloseOldest() {
  if (state_->items.empty()) return std::nullopt;
  Item oldest = std::move(state_->items.front());
  state_->by_id.erase(oldest.id);
  state_->items.pop_front();
  if (oldest.close) oldest.close();
  return oldest.address;
}

}  // namespace telemaint::relay
