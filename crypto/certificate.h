#pragma once
// Checks on the relay's certificate before it serves: we ship every client and require ECDSA
// (P-256 or stronger) for the relay, per docs/operations.md.
#include <string>

#include "common/status.h"

namespace telemaint::crypto {

// Ok when the first certificate in the PEM file has an EC public key of at least 256 bits.
Status CheckEcdsaCertificate(const std::string& pem_file);

}  // namespace telemaint::crypto
