// A relay that lies to a real host, at the point where it could gain the most: right after the
// host's confirmation tag left, which lets its receiver test one guess of the code. Whatever
// the relay does next (pairs again, hands out a nameplate, gives each side another session id,
// falls silent, says the viewer left), the host burns that code, counts exactly one wrong code,
// runs no second key exchange on it, and comes back for a new code.
#include <gtest/gtest.h>

#include "common/wire.h"
#include "crypto/handshake.h"
#include "crypto/session_code.h"
#include "tests/support/deployment.h"
#include "tests/support/raw_client.h"
#include "tests/support/tcp.h"

namespace telemaint::testing {
namespace {

const std::string kSession = "00112233445566778899aabbccddeeff";
const std::string kOtherSession = "ffeeddccbbaa99887766554433221100";

enum class Trick { kPairedTwice, kNameplateAfterPaired, kOtherSessionId, kSilence, kPeerGone };

class MaliciousRelayTest : public ::testing::TestWithParam<Trick> {
 protected:
  void SetUp() override {
    auto relay = RawRelayClient::Listen(d_.dir() / "certs/relay.pem", d_.dir() / "certs/relay.key");
    ASSERT_TRUE(relay.ok()) << relay.status().message();
    relay_ = std::move(*relay);
    d_.set_relay_port(relay_->port());
    host_ = d_.StartHost(ClosedLoopbackPort(), {"--handshake-timeout", "2"});
  }
  // Takes the host's connection and hello and hands it a nameplate; the code the host shows.
  std::string GiveCode(const std::string& previous = {}) {
    EXPECT_TRUE(relay_->Accept(20s)) << host_->Output();
    auto hello = relay_->Receive(10s);
    EXPECT_TRUE(hello && hello->text && hello->data.find("\"hello\"") != std::string::npos);
    relay_->SendText(wire::Encode(wire::NameplateIssued{"12345", 600}));
    return d_.WaitForCode(previous);
  }
  // Pairs the host and plays the viewer up to the host's confirmation tag; the viewer's
  // session id is `viewer_session`.
  void PlayUntilTheHostsTag(const std::string& code, const std::string& viewer_session) {
    relay_->SendText(wire::Encode(wire::Paired{kSession, "alice", "Alice Martin", "Acme IT"}));
    std::string typed = code;
    auto parsed = crypto::ParseSessionCode(typed);
    ASSERT_TRUE(parsed.ok());
    auto viewer = crypto::Handshake::Create(crypto::Handshake::Role::kViewer, parsed->nameplate,
                                            parsed->secret, FromHex(viewer_session));
    ASSERT_TRUE(viewer.ok());
    auto share = relay_->Receive(5s);
    ASSERT_TRUE(share && !share->text && share->data[0] == crypto::kMsgShareHost);
    auto reply = viewer->OnMessage(AsBytes(share->data));
    ASSERT_TRUE(reply.ok());
    ASSERT_TRUE(relay_->SendBinary(std::string(AsChars(reply->reply))));
    auto tag = relay_->Receive(5s);
    ASSERT_TRUE(tag && !tag->text && tag->data[0] == crypto::kMsgConfirmHost)
        << "the host did not confirm";
  }
  void Play(Trick trick) {
    switch (trick) {
      case Trick::kPairedTwice:
        relay_->SendText(wire::Encode(wire::Paired{kSession, "mallory", "Mallory", "Evil"}));
        break;
      case Trick::kNameplateAfterPaired:
        relay_->SendText(wire::Encode(wire::NameplateIssued{"54321", 600}));
        break;
      case Trick::kOtherSessionId:  // the viewer refuses the host's tag and aborts
      case Trick::kPeerGone:
        relay_->SendText(wire::Encode(wire::PeerGone{wire::EndReason::kViewerLeft, ""}));
        break;
      case Trick::kSilence: break;  // the host's --handshake-timeout of 2 s runs out
    }
  }
  // What the host sends on this connection until it ends: never a second key share.
  void ExpectNoSecondExchange() {
    for (int i = 0; i < 20; ++i) {
      auto m = relay_->Receive(5s);
      if (!m) return;
      EXPECT_FALSE(!m->text && !m->data.empty() && m->data[0] == crypto::kMsgShareHost)
          << "a second key exchange on a burned code";
    }
  }
  Deployment d_;
  std::unique_ptr<RawRelayClient> relay_;
  std::unique_ptr<Process> host_;
};

TEST_P(MaliciousRelayTest, CountsAsExactlyOneWrongCode) {
  const std::string code = GiveCode();
  PlayUntilTheHostsTag(code, GetParam() == Trick::kOtherSessionId ? kOtherSession : kSession);
  Play(GetParam());
  ExpectNoSecondExchange();
  // The host comes back with a new code, having counted one wrong code, not two, not none.
  const std::string next = GiveCode(code);
  EXPECT_NE(next, code);
  EXPECT_EQ(host_->CountLines("Someone entered a wrong code"), 1) << host_->Output();
  // The log line is in the host's log file (its terminal has the sentence above).
  const std::string log = ReadFile(d_.log_file("host"));
  size_t burned = 0;
  for (size_t at = 0; (at = log.find("wrong code entered; code burned", at)) != std::string::npos;
       ++at)
    ++burned;
  EXPECT_EQ(burned, 1u) << log;
}

INSTANTIATE_TEST_SUITE_P(Tricks, MaliciousRelayTest,
                         ::testing::Values(Trick::kPairedTwice, Trick::kNameplateAfterPaired,
                                           Trick::kOtherSessionId, Trick::kSilence,
                                           Trick::kPeerGone),
                         [](const auto& info) {
                           switch (info.param) {
                             case Trick::kPairedTwice: return "PairedTwice";
                             case Trick::kNameplateAfterPaired: return "NameplateAfterPaired";
                             case Trick::kOtherSessionId: return "OtherSessionId";
                             case Trick::kSilence: return "SilenceAfterYb";
                             case Trick::kPeerGone: return "PeerGoneAfterTheHostsTag";
                           }
                           return "unknown";
                         });

}  // namespace
}  // namespace telemaint::testing
