#pragma once
// The technician's side of unattended access: their org-signed certificate (made by
// telemaint-admin certify for the key --show-key prints), the organisation key it pins, the
// checks on a machine's record in the unattended handshake, the newest revocation list seen,
// and the machine list (`telemaint-viewer machines`). Blocking file reads; any thread.
#include <optional>
#include <string>

#include "common/bytes.h"
#include "common/status.h"
#include "org/client/org_client.h"
#include "org/statements.h"

namespace telemaint::viewer {

struct TechnicianCredential {
  std::string certificate;  // the statement's text, sent in the handshake
  Bytes org_key;            // pinned: --org-key, else the certificate's own
  org::TechnicianCertificate parsed;
};

// The certificate file beside the key file: DIR/technician.cert.
std::string DefaultCertificateFile(const std::string& key_file);
// Reads and checks our own certificate: signed by the organisation key (`org_key_option`,
// else the one it names), for `public_key`. An expired certificate is still returned (the
// machine refuses it, and that refusal is audited); `warning` then says so.
Result<TechnicianCredential> LoadCredential(const std::string& cert_file,
                                            const std::string& org_key_option, ByteView public_key,
                                            std::string& warning);

// The newest revocation list seen (a file beside the key, refreshed by `machines` and by each
// --machine join); a relay cannot take one back.
std::optional<org::RevocationList> KnownRevocations(const std::string& file, ByteView org_key);
void KeepRevocations(const std::string& file, ByteView org_key, const std::string& text);
std::string DefaultRevocationsFile(const std::string& key_file);

// The machine's record as the viewer checks it: org-signed, not revoked, the machine the host
// named in the handshake, and the one asked for (`wanted`: its id, or its name).
Result<org::MachineRecord> CheckMachine(const TechnicianCredential& me, std::string_view record,
                                        ByteView machine_id, const std::string& wanted,
                                        const std::string& revocations_file);

struct MachineListOptions {
  org::RelayAccount account;
  std::string customer;
  bool json = false;
  std::string org_key_option, cert_file, revocations_file;
};
// `telemaint-viewer machines`: prints the list; returns the exit code.
int ListMachines(const MachineListOptions& options, std::string& password);

}  // namespace telemaint::viewer
