#include "crypto/identity.h"

#include "crypto/digest.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace telemaint::crypto {
namespace {

// "telemaint technician key v1", "telemaint host key v1", "telemaint relay audit key v1".
std::string Header(std::string_view role) { return "telemaint " + std::string(role) + " key v1\n"; }

}  // namespace

SigningKey SigningKey::Generate() {
  SigningKey k;
  k.secret_ = SecretBytes(crypto_sign_SECRETKEYBYTES);
  k.public_key_.resize(crypto_sign_PUBLICKEYBYTES);
  crypto_sign_keypair(k.public_key_.data(), k.secret_.data());
  return k;
}

Result<SigningKey> SigningKey::LoadOrCreate(const std::string& path, std::string_view role) {
  if (access(path.c_str(), F_OK) != 0 && errno == ENOENT) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    return Create(path, role);
  }
  return Load(path, role);
}

Result<SigningKey> SigningKey::Create(const std::string& path, std::string_view role) {
  SigningKey k = Generate();
  int out = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (out < 0)
    return Status::Io("cannot create the key file " + path + ": " + std::strerror(errno));
  std::string text = Header(role);
  text += ToHex(ByteView(k.secret_.data(), crypto_sign_SEEDBYTES)) + "\n";
  bool ok = write(out, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  Wipe(text);
  ok = fsync(out) == 0 && ok;
  close(out);
  if (!ok) return Status::Io("cannot write the key file " + path);
  return k;
}

Result<SigningKey> SigningKey::Load(const std::string& path, std::string_view role) {
  int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return Status::Io("cannot read the key file " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077) != 0) {
    close(fd);
    return Status::InvalidInput("the key file " + path +
                                " must be a file readable by its owner only (chmod 600)");
  }
  std::string text(256, '\0');
  ssize_t n = read(fd, text.data(), text.size());
  close(fd);
  text.resize(n > 0 ? static_cast<size_t>(n) : 0);
  // Keys made before each role had its own header say "technician": still theirs.
  std::string header = Header(role);
  if (text.compare(0, header.size(), header) != 0) header = Header("technician");
  Result<SigningKey> result =
      Status::InvalidInput("the key file " + path + " is not a telemaint " + std::string(role) +
                           " key");
  if (text.compare(0, header.size(), header) == 0) {
    std::string hex = text.substr(header.size(), 2 * crypto_sign_SEEDBYTES);
    Bytes seed = FromHex(hex);
    if (seed.size() == crypto_sign_SEEDBYTES) {
      SigningKey k;
      k.secret_ = SecretBytes(crypto_sign_SECRETKEYBYTES);
      k.public_key_.resize(crypto_sign_PUBLICKEYBYTES);
      crypto_sign_seed_keypair(k.public_key_.data(), k.secret_.data(), seed.data());
      sodium_memzero(seed.data(), seed.size());
      result = std::move(k);
    }
    Wipe(hex);
  }
  Wipe(text);
  return result;
}

Bytes SigningKey::Sign(ByteView message) const {
  Bytes sig(crypto_sign_BYTES);
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), secret_.data());
  return sig;
}

bool VerifySignature(ByteView public_key, ByteView message, ByteView signature) {
  if (public_key.size() != crypto_sign_PUBLICKEYBYTES || signature.size() != crypto_sign_BYTES)
    return false;
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                     public_key.data()) == 0;
}

std::string KeyFingerprint(ByteView public_key) {
  uint8_t digest[16];
  crypto_generichash(digest, sizeof digest, public_key.data(), public_key.size(), nullptr, 0);
  std::string hex = ToHex(ByteView(digest, sizeof digest)), out;
  for (size_t i = 0; i < hex.size(); i += 4) {
    if (!out.empty()) out += ' ';
    out += hex.substr(i, 4);
  }
  return out;
}

namespace {
// A signed statement: its label, a zero byte (no label is a prefix of another's), the content.
Bytes Labelled(std::string_view label, ByteView content) {
  Bytes out(label.begin(), label.end());
  out.push_back(0);
  Append(out, content);
  return out;
}
}  // namespace

Bytes TechnicianHelloStatement(ByteView channel_binding) {
  return Labelled("telemaint/v1 technician hello", channel_binding);
}

Bytes HostHelloStatement(ByteView channel_binding) {
  return Labelled("telemaint/v1 host hello", channel_binding);
}

Bytes TranscriptHash(ByteView channel_binding) {
  return Blake2b256({Labelled("telemaint/v1 receipt transcript", channel_binding)});
}

Bytes ReceiptStatement(std::string_view receipt_json) {
  return Labelled("telemaint/v1 session receipt", AsBytes(receipt_json));
}

Bytes OrgStatement(std::string_view kind, std::string_view body) {
  Bytes content(kind.begin(), kind.end());
  content.push_back(0);
  Append(content, AsBytes(body));
  return Labelled("telemaint/v1 organisation statement", content);
}

Bytes MachinePresenceStatement(ByteView challenge, std::string_view machine_id) {
  Bytes content(challenge.begin(), challenge.end());
  Append(content, AsBytes(machine_id));
  return Labelled("telemaint/v1 machine presence", content);
}

}  // namespace telemaint::crypto
