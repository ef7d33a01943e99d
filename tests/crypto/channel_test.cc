// The end-to-end channel: handshake between a host and a viewer object, then the secretstream
// rejecting every kind of tampering a relay could attempt.
#include "crypto/channel.h"

#include <gtest/gtest.h>

#include "crypto/handshake.h"

namespace telemaint::crypto {
namespace {

SecretBytes Digits(const char* s) { return SecretBytes(AsBytes(s)); }
const Bytes kSid(16, 7);

struct Pair {
  ChannelSender host_tx, viewer_tx;
  ChannelReceiver host_rx, viewer_rx;
  Bytes host_binding, viewer_binding;
};

// Runs the three-message handshake; returns the failing side's status if any.
Result<Pair> RunHandshake(const char* host_digits, const char* viewer_digits,
                          std::string_view host_np = "12345",
                          std::string_view viewer_np = "12345") {
  auto host = Handshake::Create(Handshake::Role::kHost, host_np, Digits(host_digits), kSid);
  auto viewer =
      Handshake::Create(Handshake::Role::kViewer, viewer_np, Digits(viewer_digits), kSid);
  if (!host.ok() || !viewer.ok()) return Status::Internal("create failed");
  EXPECT_TRUE(viewer->Start().empty());
  auto s1 = viewer->OnMessage(host->Start());
  if (!s1.ok()) return s1.status();
  auto s2 = host->OnMessage(s1->reply);
  if (!s2.ok()) return s2.status();
  EXPECT_FALSE(s2->done);
  EXPECT_TRUE(host->confirmation_sent());
  auto s3 = viewer->OnMessage(s2->reply);
  if (!s3.ok()) return s3.status();
  EXPECT_TRUE(s3->done);
  auto s4 = host->OnMessage(s3->reply);
  if (!s4.ok()) return s4.status();
  EXPECT_TRUE(s4->done);
  EXPECT_TRUE(s4->reply.empty());
  return Pair{host->TakeSender(), viewer->TakeSender(), host->TakeReceiver(),
              viewer->TakeReceiver(), host->channel_binding(), viewer->channel_binding()};
}

TEST(HandshakeTest, SameCodeGivesWorkingChannelBothWays) {
  auto p = RunHandshake("123456", "123456");
  ASSERT_TRUE(p.ok()) << p.status().message();
  auto c = p->host_tx.Seal(AsBytes("hello viewer"));
  auto m = p->viewer_rx.Open(*c);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(AsChars(m->plaintext), "hello viewer");
  auto c2 = p->viewer_tx.Seal(AsBytes("hello host"));
  auto m2 = p->host_rx.Open(*c2);
  ASSERT_TRUE(m2.ok());
  EXPECT_EQ(AsChars(m2->plaintext), "hello host");
}

TEST(HandshakeTest, BothEndsShareAChannelBindingThatAnotherRunDoesNot) {
  auto a = RunHandshake("123456", "123456");
  auto b = RunHandshake("123456", "123456");  // same code and session id, fresh scalars
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->host_binding.size(), 32u);
  EXPECT_EQ(a->host_binding, a->viewer_binding);
  EXPECT_NE(a->host_binding, b->host_binding) << "a relay could move a signed binding";
}

TEST(HandshakeTest, ViewerRevealsNoTagBeforeTheHostProvesTheCode) {
  // A relay posing as the host must not get anything to test a guessed code against.
  auto viewer = Handshake::Create(Handshake::Role::kViewer, "12345", Digits("111111"), kSid);
  auto fake_host = Handshake::Create(Handshake::Role::kHost, "12345", Digits("999999"), kSid);
  auto s1 = viewer->OnMessage(fake_host->Start());
  ASSERT_TRUE(s1.ok());
  EXPECT_EQ(s1->reply.size(), 1 + kCPacePointBytes) << "only the key share, no confirmation";
  auto s2 = fake_host->OnMessage(s1->reply);
  ASSERT_TRUE(s2.ok());
  auto s3 = viewer->OnMessage(s2->reply);
  ASSERT_FALSE(s3.ok());
  EXPECT_EQ(s3.status().code(), Status::Code::kAuthFailed);
}

TEST(HandshakeTest, ForgedViewerConfirmationIsRejectedByHost) {
  auto host = Handshake::Create(Handshake::Role::kHost, "12345", Digits("222222"), kSid);
  auto viewer = Handshake::Create(Handshake::Role::kViewer, "12345", Digits("222222"), kSid);
  auto s1 = viewer->OnMessage(host->Start());
  auto s2 = host->OnMessage(s1->reply);
  auto s3 = viewer->OnMessage(s2->reply);
  ASSERT_TRUE(s3.ok());
  Bytes forged = s3->reply;
  forged[7] ^= 1;
  auto s4 = host->OnMessage(forged);
  ASSERT_FALSE(s4.ok());
  EXPECT_EQ(s4.status().code(), Status::Code::kAuthFailed);
}

TEST(HandshakeTest, WrongCodeFailsConfirmation) {
  auto p = RunHandshake("123456", "123457");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), Status::Code::kAuthFailed);
}

TEST(HandshakeTest, DifferentNameplateFailsConfirmation) {
  auto p = RunHandshake("123456", "123456", "12345", "54321");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), Status::Code::kAuthFailed);
}

TEST(HandshakeTest, ForgedHostConfirmationIsRejectedByViewer) {
  auto host = Handshake::Create(Handshake::Role::kHost, "12345", Digits("111111"), kSid);
  auto viewer = Handshake::Create(Handshake::Role::kViewer, "12345", Digits("111111"), kSid);
  auto s1 = viewer->OnMessage(host->Start());
  ASSERT_TRUE(s1.ok());
  auto s2 = host->OnMessage(s1->reply);
  ASSERT_TRUE(s2.ok());
  Bytes forged = s2->reply;
  forged[5] ^= 1;
  auto s3 = viewer->OnMessage(forged);
  ASSERT_FALSE(s3.ok());
  EXPECT_EQ(s3.status().code(), Status::Code::kAuthFailed);
}

TEST(HandshakeTest, MalformedAndIdentitySharesAbort) {
  auto viewer = Handshake::Create(Handshake::Role::kViewer, "12345", Digits("111111"), kSid);
  Bytes identity(33, 0);
  identity[0] = kMsgShareHost;
  EXPECT_FALSE(viewer->OnMessage(identity).ok());
  auto viewer2 = Handshake::Create(Handshake::Role::kViewer, "12345", Digits("111111"), kSid);
  EXPECT_FALSE(viewer2->OnMessage(Bytes{kMsgShareHost, 1, 2}).ok());
  auto viewer3 = Handshake::Create(Handshake::Role::kViewer, "12345", Digits("111111"), kSid);
  EXPECT_FALSE(viewer3->OnMessage(Bytes{kMsgConfirmHost}).ok()) << "out of order";
  EXPECT_FALSE(viewer3->OnMessage(Bytes{}).ok());
}

class ChannelTamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto p = RunHandshake("424242", "424242");
    ASSERT_TRUE(p.ok());
    pair_.emplace(std::move(p).value());
    for (int i = 0; i < 3; ++i)
      sealed_.push_back(*pair_->host_tx.Seal(AsBytes("message " + std::to_string(i))));
  }
  ChannelReceiver& rx() { return pair_->viewer_rx; }
  std::optional<Pair> pair_;
  std::vector<Bytes> sealed_;
};

TEST_F(ChannelTamperTest, FlippedBitIsRejected) {
  sealed_[0][3] ^= 0x10;
  EXPECT_FALSE(rx().Open(sealed_[0]).ok());
}

TEST_F(ChannelTamperTest, ReplayedMessageIsRejected) {
  ASSERT_TRUE(rx().Open(sealed_[0]).ok());
  EXPECT_FALSE(rx().Open(sealed_[0]).ok());
}

TEST_F(ChannelTamperTest, ReorderedMessagesAreRejected) {
  EXPECT_FALSE(rx().Open(sealed_[1]).ok());
}

TEST_F(ChannelTamperTest, DroppedMessageIsDetected) {
  ASSERT_TRUE(rx().Open(sealed_[0]).ok());
  EXPECT_FALSE(rx().Open(sealed_[2]).ok()) << "message 1 was dropped";
}

TEST_F(ChannelTamperTest, OnceBrokenStaysBroken) {
  Bytes bad = sealed_[0];
  bad.back() ^= 1;
  EXPECT_FALSE(rx().Open(bad).ok());
  EXPECT_FALSE(rx().Open(sealed_[0]).ok());
}

TEST_F(ChannelTamperTest, TruncationIsDistinguishedFromOrderlyClose) {
  for (auto& s : sealed_) {
    auto m = rx().Open(s);
    ASSERT_TRUE(m.ok());
    EXPECT_FALSE(m->final) << "a cut stream never shows a final message";
  }
  auto fin = pair_->host_tx.Seal(AsBytes("bye"), /*final=*/true);
  auto m = rx().Open(*fin);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->final);
  EXPECT_TRUE(rx().finished());
  EXPECT_FALSE(pair_->host_tx.Seal(AsBytes("more")).ok());
}

TEST_F(ChannelTamperTest, MessageFromTheOtherDirectionIsRejected) {
  auto from_viewer = pair_->viewer_tx.Seal(AsBytes("reflected"));
  EXPECT_FALSE(rx().Open(*from_viewer).ok());
}

TEST_F(ChannelTamperTest, TooShortCiphertextIsRejected) {
  EXPECT_FALSE(rx().Open(Bytes(5, 0)).ok());
}

}  // namespace
}  // namespace telemaint::crypto
