// The list of connections that have proven nothing yet (relay/unproven.h): the oldest is closed
// first, each once, and a connection that proved itself or ended is never closed for room.
#include "relay/unproven.h"

#include <gtest/gtest.h>

#include <vector>

namespace telemaint::relay {
namespace {

TEST(UnprovenConnectionsTest, TheOldestUnprovenIsClosedOnceAndTheProvenNever) {
  UnprovenConnections list;
  std::vector<int> closed;
  auto a = list.Add("192.0.2.1", [&] { closed.push_back(1); });
  auto b = list.Add("192.0.2.2", [&] { closed.push_back(2); });
  auto c = list.Add("192.0.2.3", [&] { closed.push_back(3); });
  auto d = list.Add("192.0.2.4", [&] { closed.push_back(4); });
  EXPECT_EQ(list.size(), 4u);
  a.Proven();  // logged in
  {
    auto gone = std::move(b);  // moved along, then the connection ended
  }
  c.SetClose([&] { closed.push_back(30); });  // changed hands (TLS, then WebSocket)
  EXPECT_EQ(list.CloseOldest(), "192.0.2.3");
  EXPECT_EQ(list.CloseOldest(), "192.0.2.4");
  EXPECT_EQ(list.CloseOldest(), std::nullopt);
  EXPECT_EQ(closed, (std::vector<int>{30, 4}));
  c.Proven();  // the closed one unwinding: nothing left to remove, nothing breaks
  EXPECT_EQ(list.size(), 0u);
}

}  // namespace
}  // namespace telemaint::relay
