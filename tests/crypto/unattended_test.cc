// The unattended key exchange: a working channel between the certified ends, and no channel
// when anything in between changes a message (a tampering relay).
#include <gtest/gtest.h>

#include <functional>

#include "crypto/unattended.h"

namespace telemaint::crypto {
namespace {

const Bytes kSid(16, 0x42);

// Credentials for these tests: "role:" and the key in hex; the checker returns that key when
// the role is right (the org statements' own checks are tested in tests/org/).
std::string Credential(const char* role, const SigningKey& key) {
  return std::string(role) + ":" + ToHex(key.public_key());
}
UnattendedHandshake::CheckCredential Accept(const std::string& role) {
  return [role](std::string_view credential, ByteView) -> Result<Bytes> {
    if (credential.substr(0, role.size() + 1) != role + ":")
      return Status::AuthFailed("not a " + role);
    return FromHex(credential.substr(role.size() + 1));
  };
}

struct Ends {
  SigningKey machine = SigningKey::Generate(), technician = SigningKey::Generate();
  Bytes machine_id = Bytes(kMachineIdBytes, 0x11);
  std::optional<UnattendedHandshake> host, viewer;
  Ends(Bytes wanted) {
    host.emplace(UnattendedHandshake::Create(UnattendedHandshake::Role::kHost, kSid, machine_id,
                                             machine, Credential("machine", machine),
                                             Accept("technician"))
                     .value());
    viewer.emplace(UnattendedHandshake::Create(UnattendedHandshake::Role::kViewer, kSid, wanted,
                                               technician, Credential("technician", technician),
                                               Accept("machine"))
                       .value());
  }
};

using Tamper = std::function<void(int index, Bytes& message)>;

// Runs the four messages through `tamper` (the relay); the first failure, or ok.
Status Exchange(Ends& e, const Tamper& tamper = [](int, Bytes&) {}) {
  Bytes m = e.host->Start();
  for (int i = 0; i < 4; ++i) {
    tamper(i, m);
    auto& receiver = i % 2 == 0 ? *e.viewer : *e.host;
    auto step = receiver.OnMessage(m);
    if (!step.ok()) return step.status();
    if (i == 3) return step->done ? Status::Ok() : Status::Internal("not done");
    m = step->reply;
  }
  return Status::Ok();
}

TEST(UnattendedHandshake, CertifiedEndsGetAWorkingChannelAndTheSameBinding) {
  Ends e(Bytes(kMachineIdBytes, 0x11));
  ASSERT_TRUE(Exchange(e).ok());
  EXPECT_EQ(e.host->channel_binding(), e.viewer->channel_binding());
  EXPECT_EQ(e.host->peer_key(), e.technician.public_key());
  EXPECT_EQ(e.viewer->peer_key(), e.machine.public_key());
  auto host_tx = e.host->TakeSender();
  auto viewer_rx = e.viewer->TakeReceiver();
  auto sealed = host_tx.Seal(AsBytes("screen"));
  ASSERT_TRUE(sealed.ok());
  auto opened = viewer_rx.Open(*sealed);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(AsChars(opened->plaintext), "screen");
}

TEST(UnattendedHandshake, AViewerThatAskedByNameLearnsTheIdFromTheHost) {
  Ends e(Bytes{});
  EXPECT_TRUE(Exchange(e).ok());
}

// Whether the channel carries a message each way (a changed stream header shows only there).
bool ChannelWorks(Ends& e) {
  auto host_tx = e.host->TakeSender();
  auto viewer_rx = e.viewer->TakeReceiver();
  auto viewer_tx = e.viewer->TakeSender();
  auto host_rx = e.host->TakeReceiver();
  auto a = host_tx.Seal(AsBytes("a"));
  auto b = viewer_tx.Seal(AsBytes("b"));
  return a.ok() && b.ok() && viewer_rx.Open(*a).ok() && host_rx.Open(*b).ok();
}

TEST(UnattendedHandshake, AnyByteChangedByTheRelayStopsTheSession) {
  // Each message, at its start, middle and end (past the type byte). The stream headers at
  // the end of the last two are not signed: a changed one fails the first sealed message.
  for (int index = 0; index < 4; ++index) {
    for (int where : {1, -1, 0}) {
      Ends e(Bytes(kMachineIdBytes, 0x11));
      Status s = Exchange(e, [&](int i, Bytes& m) {
        if (i != index) return;
        size_t at = where == 1 ? 1 : where == -1 ? m.size() - 1 : m.size() / 2;
        m[at] ^= 0x01;
      });
      EXPECT_FALSE(s.ok() && ChannelWorks(e)) << "message " << index << " changed at " << where;
    }
  }
}

TEST(UnattendedHandshake, ARelaySubstitutingTheTechniciansOrTheMachinesCredentialIsDetected) {
  SigningKey relays = SigningKey::Generate();
  // The technician's certificate replaced by one for the relay's own key.
  {
    Ends e(Bytes(kMachineIdBytes, 0x11));
    const std::string own = Credential("technician", e.technician);
    const std::string fake = Credential("technician", relays);
    Status s = Exchange(e, [&](int i, Bytes& m) {
      if (i != 1) return;
      std::string text(AsChars(m));
      text.replace(text.find(own), own.size(), fake);
      m.assign(text.begin(), text.end());
    });
    EXPECT_EQ(s.code(), Status::Code::kAuthFailed) << s.message();
  }
  // The machine's record replaced by one for the relay's own key.
  {
    Ends e(Bytes(kMachineIdBytes, 0x11));
    const std::string own = Credential("machine", e.machine);
    const std::string fake = Credential("machine", relays);
    Status s = Exchange(e, [&](int i, Bytes& m) {
      if (i != 2) return;
      std::string text(AsChars(m));
      text.replace(text.find(own), own.size(), fake);
      m.assign(text.begin(), text.end());
    });
    EXPECT_EQ(s.code(), Status::Code::kAuthFailed) << s.message();
  }
}

TEST(UnattendedHandshake, ARelayInTheMiddleWithItsOwnEphemeralKeysIsDetected) {
  // The relay runs a viewer of its own toward the host with a stolen certificate (it cannot
  // sign with the technician's key): the host refuses.
  Ends e(Bytes(kMachineIdBytes, 0x11));
  SigningKey relays = SigningKey::Generate();
  auto fake_viewer = UnattendedHandshake::Create(
      UnattendedHandshake::Role::kViewer, kSid, e.machine_id, relays,
      Credential("technician", e.technician), Accept("machine")).value();
  auto first = fake_viewer.OnMessage(e.host->Start());
  ASSERT_TRUE(first.ok());
  auto refused = e.host->OnMessage(first->reply);
  EXPECT_EQ(refused.status().code(), Status::Code::kAuthFailed);
}

TEST(UnattendedHandshake, TheMachineTheHostNamesMustBeTheOneAskedFor) {
  Ends e(Bytes(kMachineIdBytes, 0x22));
  Status s = Exchange(e);
  EXPECT_EQ(s.code(), Status::Code::kAuthFailed) << s.message();
}

TEST(UnattendedHandshake, ACredentialTheCheckerRefusesStopsIt) {
  Ends e(Bytes(kMachineIdBytes, 0x11));
  e.host.emplace(UnattendedHandshake::Create(
      UnattendedHandshake::Role::kHost, kSid, e.machine_id, e.machine,
      Credential("machine", e.machine),
      [](std::string_view, ByteView) -> Result<Bytes> {
        return Status::AuthFailed("revoked");
      }).value());
  Status s = Exchange(e);
  EXPECT_EQ(s.code(), Status::Code::kAuthFailed);
  EXPECT_EQ(s.message(), "revoked");
}

}  // namespace
}  // namespace telemaint::crypto
