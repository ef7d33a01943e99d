#include "crypto/certificate.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <memory>
#include <string>

namespace telemaint::crypto {

Status CheckEcdsaCertificate(const std::string& pem_file) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(pem_file.c_str(), "r"), &std::fclose);
  if (!f) return Status::Io("cannot read the relay certificate '" + pem_file + "'");
  std::unique_ptr<X509, void (*)(X509*)> cert(PEM_read_X509(f.get(), nullptr, nullptr, nullptr),
                                              &X509_free);
  if (!cert) return Status::InvalidInput("'" + pem_file + "' holds no PEM certificate");
  EVP_PKEY* key = X509_get0_pubkey(cert.get());
  if (!key || EVP_PKEY_base_id(key) != EVP_PKEY_EC)
    return Status::InvalidInput("the relay certificate must have an ECDSA key (P-256 or "
                                "stronger); see docs/operations.md");
  // Only the NIST curves TLS 1.3 clients negotiate for signatures (RFC 8446 §4.2.3).
  char group[64] = {0};
  size_t len = 0;
  if (EVP_PKEY_get_group_name(key, group, sizeof group, &len) != 1 ||
      (std::string(group) != "prime256v1" && std::string(group) != "secp384r1" &&
       std::string(group) != "secp521r1"))
    return Status::InvalidInput("the relay certificate's ECDSA key must be on P-256, P-384 or "
                                "P-521");
  return Status::Ok();
}

}  // namespace telemaint::crypto
