#include "common/wire.h"

#include <gtest/gtest.h>

#include "common/address.h"

namespace telemaint::wire {
namespace {

TEST(WireTest, RoundTripsEveryMessage) {
  Join j;
  j.nameplate = "01234";
  j.user = "alice";
  j.password = "pw";
  j.ticket = "T-1234";
  auto back = Decode(Encode(j));
  ASSERT_TRUE(back.ok());
  auto* got = std::get_if<Join>(&*back);
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(got->nameplate, "01234");
  EXPECT_EQ(got->ticket, "T-1234");
  for (const Control& m : {Control{Hello{}}, Control{NameplateIssued{"55555", 600}},
                           Control{Paired{"00ff", "", "", ""}}, Control{Abort{EndReason::kUserDenied}},
                           Control{PeerGone{EndReason::kViewerLeft, "bye"}},
                           Control{Error{ErrorCode::kOther, "y"}}}) {
    auto r = Decode(Encode(m));
    ASSERT_TRUE(r.ok()) << Encode(m);
    EXPECT_EQ(r->index(), m.index());
  }
}

TEST(WireTest, RejectsMalformedMessages) {
  for (const char* bad : {"", "null", "[]", "{}", "{\"type\":5}", "{\"type\":\"nope\"}",
                          "{\"type\":\"join\",\"proto\":1}",
                          "{\"type\":\"join\",\"proto\":\"1\",\"nameplate\":\"1\",\"user\":\"a\","
                          "\"password\":\"b\"}",
                          "{\"type\":\"hello\",\"proto\":-1,\"role\":\"host\",\"mode\":\"x\"}",
                          "{\"type\":\"abort\"", "\xff\xfe"}) {
    EXPECT_FALSE(Decode(bad).ok()) << bad;
  }
}

TEST(WireTest, RejectsOversizedMessagesAndFields) {
  std::string huge = "{\"type\":\"abort\",\"reason\":\"" + std::string(5000, 'a') + "\"}";
  EXPECT_EQ(Decode(huge).status().code(), Status::Code::kLimit);
  std::string long_field = "{\"type\":\"abort\",\"reason\":\"" + std::string(300, 'a') + "\"}";
  EXPECT_FALSE(Decode(long_field).ok());
}

TEST(AddressTest, ParsesHostPortAndRelayUrls) {
  EXPECT_EQ(ParseHostPort("127.0.0.1:5900")->port, 5900);
  EXPECT_EQ(ParseHostPort("[::1]:443")->host, "::1");
  EXPECT_FALSE(ParseHostPort("127.0.0.1").ok());
  EXPECT_FALSE(ParseHostPort("127.0.0.1:0").ok());
  EXPECT_TRUE(ParseHostPort("127.0.0.1:0", true).ok());
  EXPECT_FALSE(ParseHostPort("h:70000").ok());
  auto url = ParseRelayUrl("wss://relay.example.com:8443");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->host, "relay.example.com");
  EXPECT_EQ(url->port, 8443);
  EXPECT_EQ(ParseRelayUrl("wss://relay.example.com")->port, 443);
  EXPECT_FALSE(ParseRelayUrl("ws://relay.example.com:80").ok()) << "plain text is refused";
  EXPECT_FALSE(ParseRelayUrl("https://relay.example.com").ok());
}

}  // namespace
}  // namespace telemaint::wire

namespace telemaint::wire {
namespace {

TEST(WireTest, InvalidUtf8IsReplacedNotThrown) {
  Join j;
  j.nameplate = "12345";
  j.user = "al\xff\xfeice";
  j.password = "pw";
  std::string text = Encode(j);
  auto back = Decode(text);
  ASSERT_TRUE(back.ok()) << text;
}

}  // namespace
}  // namespace telemaint::wire
