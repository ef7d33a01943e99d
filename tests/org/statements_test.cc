// The organisation's statements and enrolment requests: what hosts and viewers accept.
#include <gtest/gtest.h>

#include "crypto/identity.h"
#include "org/enrolment.h"
#include "org/statements.h"

namespace telemaint::org {
namespace {

constexpr int64_t kNow = 1'800'000'000;

TechnicianCertificate Alice(const crypto::SigningKey& technician) {
  TechnicianCertificate c;
  c.org_name = "Acme IT";
  c.account = "alice";
  c.key = technician.public_key();
  c.issued_at = kNow - 10;
  c.not_after = kNow + 3600;
  c.serial = "0123456789abcdef0123456789abcdef";
  return c;
}

std::string Signed(const crypto::SigningKey& org, StatementKind kind, const nlohmann::json& b) {
  return EncodeStatement(SignStatement(org, kind, b));
}

TEST(OrgStatements, ACertificateSignedByTheOrganisationChecksOut) {
  auto org = crypto::SigningKey::Generate();
  auto tech = crypto::SigningKey::Generate();
  auto text = Signed(org, StatementKind::kTechnicianCertificate,
                     Alice(tech).ToJson(org.public_key()));
  auto c = CheckCertificate(org.public_key(), text, kNow, nullptr);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->account, "alice");
  EXPECT_EQ(c->key, tech.public_key());
}

TEST(OrgStatements, AnotherKeyAnAlteredBodyOrAnotherKindIsRefused) {
  auto org = crypto::SigningKey::Generate();
  auto other = crypto::SigningKey::Generate();
  auto tech = crypto::SigningKey::Generate();
  auto body = Alice(tech).ToJson(org.public_key());
  auto text = Signed(org, StatementKind::kTechnicianCertificate, body);
  EXPECT_FALSE(CheckCertificate(other.public_key(), text, kNow, nullptr).ok());
  // The same body signed by another key that claims to be the organisation.
  auto forged = Signed(other, StatementKind::kTechnicianCertificate, body);
  EXPECT_FALSE(CheckCertificate(org.public_key(), forged, kNow, nullptr).ok());
  // One character of the signed text changed (the account).
  auto statement = DecodeStatement(text);
  ASSERT_TRUE(statement.ok());
  statement->body.replace(statement->body.find("alice"), 5, "mallo");
  EXPECT_FALSE(CheckCertificate(org.public_key(), EncodeStatement(*statement), kNow, nullptr).ok());
  // A certificate presented as a machine record.
  EXPECT_FALSE(CheckMachineRecord(org.public_key(), text, nullptr).ok());
}

TEST(OrgStatements, ExpiredNotYetValidAndRevokedCertificatesAreRefused) {
  auto org = crypto::SigningKey::Generate();
  auto tech = crypto::SigningKey::Generate();
  auto text = Signed(org, StatementKind::kTechnicianCertificate,
                     Alice(tech).ToJson(org.public_key()));
  EXPECT_FALSE(CheckCertificate(org.public_key(), text, kNow + 3601, nullptr).ok());
  EXPECT_FALSE(CheckCertificate(org.public_key(), text, kNow - 1000, nullptr).ok());
  RevocationList revoked;
  revoked.technicians.push_back(ToHex(tech.public_key()));
  auto c = CheckCertificate(org.public_key(), text, kNow, &revoked);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("revoked"), std::string::npos);
  EXPECT_TRUE(ReadCertificate(org.public_key(), text).ok());  // its holder still reads it
}

TEST(OrgStatements, CustomerScopeAndMachineRecordsAndRevocationLists) {
  auto org = crypto::SigningKey::Generate();
  TechnicianCertificate scoped = Alice(crypto::SigningKey::Generate());
  scoped.customers = {"Dupont"};
  EXPECT_TRUE(scoped.Covers("Dupont"));
  EXPECT_FALSE(scoped.Covers("Martin"));
  auto machine = crypto::SigningKey::Generate();
  MachineRecord r{"Acme IT", MachineIdForKey(machine.public_key()), "Dupont", "SRV-01",
                  machine.public_key(), kNow, kNow};
  auto text = Signed(org, StatementKind::kMachineRecord, r.ToJson(org.public_key()));
  auto checked = CheckMachineRecord(org.public_key(), text, nullptr);
  ASSERT_TRUE(checked.ok()) << checked.status().message();
  EXPECT_EQ(checked->machine_id, r.machine_id);
  RevocationList list;
  list.serial = 3;
  list.machines = {r.machine_id};
  auto body = list.ToJson();
  body["org_key"] = ToHex(org.public_key());
  auto list_text = Signed(org, StatementKind::kRevocationList, body);
  auto parsed = CheckRevocationList(org.public_key(), list_text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->serial, 3u);
  EXPECT_FALSE(CheckMachineRecord(org.public_key(), text, &*parsed).ok());
  // A record of this machine's id for another key: signed, and still refused.
  MachineRecord stolen_id = r;
  stolen_id.key = crypto::SigningKey::Generate().public_key();
  EXPECT_FALSE(CheckMachineRecord(org.public_key(),
                                  Signed(org, StatementKind::kMachineRecord,
                                         stolen_id.ToJson(org.public_key())),
                                  nullptr)
                   .ok());
}

TEST(Enrolment, OnlyATokenHolderMakesAMacTheAdminAccepts) {
  auto machine = crypto::SigningKey::Generate();
  EnrolmentRequest r{MachineIdForKey(machine.public_key()), ToHex(machine.public_key()),
                     "PC-COMPTA-02", NewMachineId(), "", nlohmann::json::object()};
  Bytes secret(kTokenSecretBytes, 7), other(kTokenSecretBytes, 8);
  r.mac = ToHex(EnrolmentMac(secret, r));
  EXPECT_TRUE(CheckEnrolmentMac(secret, r).ok());
  EXPECT_FALSE(CheckEnrolmentMac(other, r).ok());
  // A relay that swaps the machine's key or renames it breaks the MAC.
  EnrolmentRequest swapped = r;
  swapped.machine_key = ToHex(crypto::SigningKey::Generate().public_key());
  EXPECT_FALSE(CheckEnrolmentMac(secret, swapped).ok());
  EXPECT_FALSE(RequestFromJson(RequestToJson(swapped)).ok()) << "its id is not its key's";
  EnrolmentRequest renamed = r;
  renamed.name = "PC-COMPTA-03";
  EXPECT_FALSE(CheckEnrolmentMac(secret, renamed).ok());
  // Round trip through the relay's JSON.
  auto back = RequestFromJson(RequestToJson(r));
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(CheckEnrolmentMac(secret, *back).ok());
}

TEST(Enrolment, TokensRoundTripAndBadOnesAreRefused) {
  EnrolmentToken t;
  t.org_name = "Acme IT";
  t.org_key = crypto::SigningKey::Generate().public_key();
  t.relay = "wss://relay.example.com:8443";
  t.customer = "Dupont";
  t.policy = wire::UnattendedPolicy::kAllow;
  t.expires_at = kNow;
  t.token_id = NewMachineId();
  t.secret = Bytes(kTokenSecretBytes, 1);
  auto back = DecodeToken(EncodeToken(t));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->secret, t.secret);
  EXPECT_EQ(back->policy, wire::UnattendedPolicy::kAllow);
  EXPECT_FALSE(DecodeToken("{}").ok());
  EXPECT_FALSE(DecodeToken("not json").ok());
}

}  // namespace
}  // namespace telemaint::org
