#include "net/tls.h"

#include <openssl/ssl.h>

#include <filesystem>

namespace telemaint::net {

Result<std::shared_ptr<ssl::context>> MakeServerTlsContext(const std::string& cert_file,
                                                           const std::string& key_file) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_3_VERSION);
  ctx->set_options(ssl::context::no_compression | ssl::context::single_dh_use);
  error_code ec;
  ctx->use_certificate_chain_file(cert_file, ec);
  if (ec)
    return Status::Io("cannot read the relay certificate '" + cert_file + "': " + ec.message());
  ctx->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec) return Status::Io("cannot read the relay key '" + key_file + "': " + ec.message());
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1)
    return Status::InvalidInput("the relay key does not match its certificate");
  return ctx;
}

Result<std::shared_ptr<ssl::context>> MakeClientTlsContext(const std::string& ca_file) {
  if (!std::filesystem::exists(ca_file))
    return Status::Io("the CA file '" + ca_file + "' does not exist");
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_3_VERSION);
  error_code ec;
  ctx->load_verify_file(ca_file, ec);
  if (ec) return Status::Io("cannot read the CA file '" + ca_file + "': " + ec.message());
  ctx->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  return ctx;
}

}  // namespace telemaint::net
