#pragma once
// Connections that have proven nothing yet (before TLS, HTTP, the first message, a login or a
// code), oldest first. When the relay is full, a new connection makes room by closing the
// oldest of them, so idle or slow connections from many addresses cannot keep technicians from
// logging in nor customers from getting a code; logged-in technicians, hosts holding a code and
// paired sessions are never closed for room. io thread only.
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

namespace telemaint::relay {

class UnprovenConnections {
  struct Item {
    uint64_t id;
    std::string address;
    std::function<void()> close;
  };
  struct State {
    std::list<Item> items;  // oldest first
    std::unordered_map<uint64_t, std::list<Item>::iterator> by_id;
    uint64_t next_id = 1;
  };

 public:
  // One connection's place in the list; removed when it proves itself (Proven) or ends.
  class Entry {
   public:
    Entry() = default;
    Entry(Entry&& other) noexcept { *this = std::move(other); }
    Entry& operator=(Entry&& other) noexcept;
    ~Entry() { Proven(); }
    // How to close the connection now (it changes hands: socket, TLS stream, WebSocket).
    void SetClose(std::function<void()> close);
    // It logged in or got a code: no longer closed for room.
    void Proven();

   private:
    friend class UnprovenConnections;
    std::weak_ptr<State> state_;
    uint64_t id_ = 0;  // 0: not listed
  };

  Entry Add(std::string address, std::function<void()> close);
  // Closes the oldest unproven connection; its address, or nullopt if there is none.
  std::optional<std::string> CloseOldest();
  size_t size() const { return state_->items.size(); }

 private:
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

using UnprovenEntry = UnprovenConnections::Entry;

}  // namespace telemaint::relay
