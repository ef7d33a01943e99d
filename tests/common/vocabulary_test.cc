// The protocol's vocabulary: every value has exactly one word, and every word comes back as its
// value; words of a newer version decode as "unknown" where the protocol says they may.
#include "common/vocabulary.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "common/wire.h"

namespace telemaint::wire {
namespace {

template <typename E>
void ExpectCompleteAndOneToOne(int count) {
  std::set<std::string_view> words;
  for (int i = 0; i < count; ++i) {
    const E value = static_cast<E>(i);
    const std::string_view word = ToWire(value);
    EXPECT_FALSE(word.empty()) << "value " << i << " has no word";
    EXPECT_TRUE(words.insert(word).second) << "two values share '" << word << "'";
    EXPECT_EQ(FromWire<E>(word), value) << word;
  }
  EXPECT_EQ(std::size(Words<E>::kAll), static_cast<size_t>(count));
  EXPECT_FALSE(FromWire<E>("no such word").has_value());
}

TEST(VocabularyTest, EveryValueHasOneWordAndComesBack) {
  ExpectCompleteAndOneToOne<ErrorCode>(static_cast<int>(ErrorCode::kOther) + 1);
  ExpectCompleteAndOneToOne<EndReason>(static_cast<int>(EndReason::kOther) + 1);
  ExpectCompleteAndOneToOne<Permission>(static_cast<int>(Permission::kNoAnswer) + 1);
  ExpectCompleteAndOneToOne<ConsentEvent>(static_cast<int>(ConsentEvent::kAllowedByPolicy) + 1);
  ExpectCompleteAndOneToOne<ConsentState>(static_cast<int>(ConsentState::kViewOnly) + 1);
  ExpectCompleteAndOneToOne<Party>(static_cast<int>(Party::kRelay) + 1);
  ExpectCompleteAndOneToOne<AuditKind>(static_cast<int>(AuditKind::kTransfer) + 1);
  ExpectCompleteAndOneToOne<TransferKind>(static_cast<int>(TransferKind::kChat) + 1);
  ExpectCompleteAndOneToOne<TransferEvent>(static_cast<int>(TransferEvent::kSent) + 1);
  ExpectCompleteAndOneToOne<HostMode>(static_cast<int>(HostMode::kUnattended) + 1);
  ExpectCompleteAndOneToOne<UnattendedPolicy>(static_cast<int>(UnattendedPolicy::kDeny) + 1);
  ExpectCompleteAndOneToOne<StatementKind>(static_cast<int>(StatementKind::kRevocationList) + 1);
  ExpectCompleteAndOneToOne<ControlOp>(static_cast<int>(ControlOp::kPackAdd) + 1);
}

TEST(VocabularyTest, PeersMayEndWithTheirOwnReasonsOnly) {
  EXPECT_TRUE(IsPeerAbortReason(EndReason::kUserDeclined));
  EXPECT_TRUE(IsPeerAbortReason(EndReason::kPakeFailed));
  EXPECT_FALSE(IsPeerAbortReason(EndReason::kHostLeft)) << "the relay's own word";
  EXPECT_FALSE(IsPeerAbortReason(EndReason::kNotStarted));
  EXPECT_FALSE(IsPeerAbortReason(EndReason::kOther));
}

TEST(VocabularyTest, UnknownWordsDecodeWhereTheProtocolAllowsThem) {
  auto abort = Decode(R"({"type":"abort","reason":"from_the_future"})");
  ASSERT_TRUE(abort.ok());
  EXPECT_EQ(std::get<Abort>(*abort).reason, EndReason::kOther);
  auto error = Decode(R"({"type":"error","code":"new_code","message":"m"})");
  ASSERT_TRUE(error.ok());
  EXPECT_EQ(std::get<Error>(*error).code, ErrorCode::kOther);
  auto transfer = Decode(
      R"({"type":"transfer","what":"hologram","event":"sent","from":"viewer","size":3})");
  ASSERT_TRUE(transfer.ok());
  EXPECT_FALSE(std::get<Transfer>(*transfer).what.has_value());  // not recorded by the relay
  EXPECT_FALSE(Decode(R"({"type":"transfer","what":"file","event":"sent","from":"relay",)"
                      R"("size":3})")
                   .ok());  // the relay never sends one
  auto consent = Decode(R"({"type":"consent","event":"answered","permission":"everything"})");
  ASSERT_TRUE(consent.ok());
  EXPECT_EQ(std::get<Consent>(*consent).event, ConsentEvent::kAnswered);
  EXPECT_FALSE(std::get<Consent>(*consent).permission.has_value());
  // A host's hello must name a known role and mode.
  EXPECT_FALSE(Decode(R"({"type":"hello","proto":1,"role":"host","mode":"x"})").ok());
  EXPECT_EQ(PermissionText(Permission::kViewOnly), std::string("view only"));
}

}  // namespace
}  // namespace telemaint::wire
