#include "peer/session_messages.h"

#include <gtest/gtest.h>

namespace telemaint::peer {
namespace {

TEST(SessionMessagesTest, MonitorsRoundTrip) {
  std::vector<MonitorInfo> sent = {{"left", 0, 0, 1024, 768}, {"right", 1024, 0, 1280, 1024}};
  auto got = DecodeMonitors(EncodeMonitors(sent));
  ASSERT_TRUE(got.has_value());
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[1].name, "right");
  EXPECT_EQ((*got)[1].x, 1024);
  EXPECT_EQ((*got)[1].width, 1280);
  EXPECT_EQ((*got)[1].height, 1024);
}

TEST(SessionMessagesTest, MalformedMonitorsAreRefusedWhole) {
  using nlohmann::json;
  auto one = [](json m) { return json{{"type", "monitors"}, {"monitors", json::array({m})}}; };
  json good = {{"name", "a"}, {"x", 0}, {"y", 0}, {"width", 10}, {"height", 10}};
  EXPECT_TRUE(DecodeMonitors(one(good)).has_value());
  for (const char* field : {"x", "y", "width", "height", "name"}) {
    json bad = good;
    bad.erase(field);
    EXPECT_FALSE(DecodeMonitors(one(bad)).has_value()) << "missing " << field;
  }
  json negative = good;
  negative["x"] = -5;
  EXPECT_FALSE(DecodeMonitors(one(negative)).has_value());
  json empty = good;
  empty["width"] = 0;
  EXPECT_FALSE(DecodeMonitors(one(empty)).has_value());
  json huge = good;
  huge["height"] = 1 << 20;
  EXPECT_FALSE(DecodeMonitors(one(huge)).has_value());
  json text = good;
  text["y"] = "0";
  EXPECT_FALSE(DecodeMonitors(one(text)).has_value());
  json long_name = good;
  long_name["name"] = std::string(200, 'x');
  EXPECT_FALSE(DecodeMonitors(one(long_name)).has_value());
  json many = {{"type", "monitors"}, {"monitors", json::array()}};
  for (int i = 0; i < 17; ++i) many["monitors"].push_back(good);
  EXPECT_FALSE(DecodeMonitors(many).has_value());
  EXPECT_FALSE(DecodeMonitors(json{{"type", "show_monitor"}, {"index", 0}}).has_value());
  EXPECT_FALSE(DecodeMonitors(json::array()).has_value());
}

TEST(SessionMessagesTest, ControlCharactersInNamesAreBlanked) {
  nlohmann::json m = {{"type", "monitors"},
                      {"monitors", {{{"name", "a\x1b[2Jb"}, {"x", 0}, {"y", 0}, {"width", 1},
                                     {"height", 1}}}}};
  auto got = DecodeMonitors(m);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ((*got)[0].name, "a [2Jb");
}

TEST(SessionMessagesTest, ShowMonitorIndexIsBounded) {
  EXPECT_EQ(DecodeShowMonitor(EncodeShowMonitor(3)), 3);
  EXPECT_EQ(DecodeShowMonitor(EncodeShowMonitor(-1)), -1);
  EXPECT_FALSE(DecodeShowMonitor(EncodeShowMonitor(-2)).has_value());
  EXPECT_FALSE(DecodeShowMonitor(EncodeShowMonitor(16)).has_value());
  EXPECT_FALSE(DecodeShowMonitor(nlohmann::json{{"type", "show_monitor"}, {"index", 1.5}}));
  EXPECT_FALSE(DecodeShowMonitor(nlohmann::json{{"type", "show_monitor"}}));
}

}  // namespace
}  // namespace telemaint::peer

namespace telemaint::peer {
namespace {

TEST(SessionMessagesTest, HelloRoundTripsAndRejectsWrongSizes) {
  TechnicianHello hello{"alice", Bytes(32, 1), Bytes(64, 2)};
  auto got = DecodeHello(EncodeHello(hello));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->account, "alice");
  EXPECT_EQ(got->public_key, hello.public_key);
  EXPECT_EQ(got->signature, hello.signature);
  auto short_key = EncodeHello(hello);
  short_key["key"] = std::string(62, 'a');
  EXPECT_FALSE(DecodeHello(short_key).has_value());
  auto bad_hex = EncodeHello(hello);
  bad_hex["signature"] = std::string(128, 'z');
  EXPECT_FALSE(DecodeHello(bad_hex).has_value());
  auto long_account = EncodeHello(hello);
  long_account["account"] = std::string(65, 'a');
  EXPECT_FALSE(DecodeHello(long_account).has_value());
}

TEST(SessionMessagesTest, ConsentStatesRoundTrip) {
  for (auto s : {ConsentState::kAsking, ConsentState::kControl, ConsentState::kViewOnly})
    EXPECT_EQ(DecodeConsent(EncodeConsent(s)), s);
  EXPECT_FALSE(DecodeConsent(nlohmann::json{{"type", "consent"}, {"state", "yes"}}).has_value());
  EXPECT_TRUE(IsRequestControl(EncodeRequestControl()));
  EXPECT_FALSE(IsRequestControl(EncodeConsent(ConsentState::kControl)));
}

}  // namespace
}  // namespace telemaint::peer
