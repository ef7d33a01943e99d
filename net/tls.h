#pragma once
// TLS contexts: TLS 1.3 only (we ship every client), ECDSA certificates, the relay's CA pinned
// by clients with host name verification. Network internal header.
#include <memory>
#include <string>

#include "net/net.h"
#include "common/status.h"

namespace telemaint::net {

Result<std::shared_ptr<ssl::context>> MakeServerTlsContext(const std::string& cert_file,
                                                           const std::string& key_file);
// Trusts only the CA in ca_file (not the system store).
Result<std::shared_ptr<ssl::context>> MakeClientTlsContext(const std::string& ca_file);

}  // namespace telemaint::net
