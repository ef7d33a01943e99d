// The commands that need no relay: the organisation key, certificates and tokens.
#include "admin/commands.h"

#include <ctime>
#include <iostream>

#include "admin/org_dir.h"
#include "common/clock.h"
#include "common/address.h"
#include "crypto/digest.h"
#include "crypto/random.h"

namespace telemaint::admin {

namespace {

int Fail(const std::string& message) {
  std::cerr << "error: " << message << "\n";
  return 1;
}

}  // namespace

int Init(const std::string& org_dir, const std::string& name) {
  auto org = OrgDir::Create(org_dir, name);
  if (!org.ok()) return Fail(org.status().message());
  std::cout << "Organisation \"" << name << "\" created in " << org_dir << ".\n"
            << "Its public key (give it to the relay with --org-key " << org_dir
            << "/org.pub):\n"
            << ToHex(org->public_key()) << "\n"
            << "Keep " << org_dir << "/org.key offline and backed up: whoever holds it can let "
            << "any technician into every enrolled machine.\n";
  return 0;
}

int Certify(const CertifyArgs& a) {
  auto org = OrgDir::Open(a.org_dir);
  if (!org.ok()) return Fail(org.status().message());
  if (!org::IsPublicKeyHex(a.key_hex))
    return Fail("--key takes the 64 hex digits that telemaint-viewer --show-key prints on its "
                "second line");
  if (a.days < 1 || a.days > 3650) return Fail("--days must be between 1 and 3650");
  org::TechnicianCertificate c;
  c.org_name = org->name();
  c.account = a.account;
  c.key = FromHex(a.key_hex);
  c.issued_at = UnixSecondsNow();
  c.not_after = c.issued_at + int64_t{a.days} * 86400;
  c.customers = a.customers;
  c.serial = crypto::RandomHex(16);
  auto statement = org::SignStatement(org->key(), org::StatementKind::kTechnicianCertificate,
                                      c.ToJson(org->public_key()));
  if (org::EncodeStatement(statement).size() > org::kMaxStatementBytes)
    return Fail("the certificate would be too large for the handshake: name fewer customers");
  if (Status s = WriteFileAtomically(a.out, org::EncodeStatement(statement) + "\n", 0644); !s.ok())
    return Fail(s.message());
  std::cout << "Certificate for " << a.account << " (key " << crypto::KeyFingerprint(c.key)
            << "), valid " << a.days << " days"
            << (c.customers.empty() ? std::string(", every customer")
                                    : ", " + std::to_string(c.customers.size()) + " customer(s)")
            << ": " << a.out << "\n"
            << "Put it beside the technician's key (technician.cert) or give it with --cert-file.\n";
  return 0;
}

int MakeToken(const TokenArgs& a) {
  auto org = OrgDir::Open(a.org_dir);
  if (!org.ok()) return Fail(org.status().message());
  auto relay = ParseRelayUrl(a.relay);
  if (!relay.ok()) return Fail("--relay: " + relay.status().message());
  auto policy = wire::FromWire<wire::UnattendedPolicy>(a.policy);
  if (!policy) return Fail("--unattended takes allow, ask or deny");
  if (a.days < 1 || a.days > 365) return Fail("--days must be between 1 and 365");
  if (a.customer.empty() || a.customer.size() > 256) return Fail("--customer is required");
  org::EnrolmentToken t;
  t.org_name = org->name();
  t.org_key = org->public_key();
  t.relay = a.relay;
  if (!a.ca_file.empty()) {
    auto ca = ReadWholeFile(a.ca_file);
    if (!ca.ok()) return Fail(ca.status().message());
    t.ca_sha256 = ToHex(crypto::Sha256(AsBytes(*ca)));
  }
  t.customer = a.customer;
  t.policy = *policy;
  t.expires_at = UnixSecondsNow() + int64_t{a.days} * 86400;
  t.token_id = crypto::RandomHex(16);
  t.secret.resize(org::kTokenSecretBytes);
  crypto::RandomBytes(t.secret);
  if (Status s = org->SaveToken(t); !s.ok()) return Fail(s.message());
  if (Status s = WriteFileAtomically(a.out, org::EncodeToken(t), 0600); !s.ok())
    return Fail(s.message());
  std::cout << "Enrolment token for " << a.customer << " (policy " << a.policy << ", valid "
            << a.days << " days): " << a.out << "\n"
            << "It lets machines ask to be enrolled; each still needs your approval "
            << "(telemaint-admin approve). Send it like a password.\n";
  return 0;
}

}  // namespace telemaint::admin
