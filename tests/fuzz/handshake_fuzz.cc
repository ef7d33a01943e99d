// Handshake and channel messages from an untrusted peer: any bytes at any step are refused
// without crashing, and random ciphertext never opens.
#include <cstdlib>
#include <string>
#include <vector>

#include "crypto/channel.h"
#include "crypto/handshake.h"
#include "crypto/session_code.h"

using namespace telemaint;
using namespace telemaint::crypto;

std::vector<std::string> FuzzSeeds() {
  std::vector<std::string> seeds;
  auto host = Handshake::Create(Handshake::Role::kHost, "12345", SecretBytes(AsBytes("123456")),
                                Bytes(16, 1));
  Bytes m1 = host->Start();
  seeds.emplace_back(m1.begin(), m1.end());
  seeds.push_back(std::string(1, '\x02') + std::string(32, 'a'));
  seeds.push_back(std::string(1, '\x03') + std::string(56, 'b'));
  seeds.push_back(std::string(1, '\x04') + std::string(56, 'c'));
  seeds.push_back("1234 5678 9018");
  return seeds;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteView in(data, size);
  static const SecretBytes digits(AsBytes("424242"));
  static const Bytes sid(16, 9);
  // The viewer's first step, and the viewer after a valid first step.
  auto viewer = Handshake::Create(Handshake::Role::kViewer, "12345", digits, sid);
  (void)viewer->OnMessage(in);
  auto host = Handshake::Create(Handshake::Role::kHost, "12345", digits, sid);
  (void)host->OnMessage(in);
  auto viewer2 = Handshake::Create(Handshake::Role::kViewer, "12345", digits, sid);
  auto host2 = Handshake::Create(Handshake::Role::kHost, "12345", digits, sid);
  if (viewer2->OnMessage(host2->Start()).ok()) {
    auto step = viewer2->OnMessage(in);
    if (step.ok() && step->done) std::abort();  // a forged confirmation was accepted
  }
  // Random ciphertext must never open.
  static const SecretBytes key(Bytes(32, 7));
  static const Bytes header(kStreamHeaderBytes, 3);
  auto rx = ChannelReceiver::Create(key, header);
  if (rx.ok() && rx->Open(in).ok() && size > 0) std::abort();
  // Typed session codes.
  std::string typed(reinterpret_cast<const char*>(data), size);
  auto code = ParseSessionCode(typed);
  if (code.ok() && !IsValidNameplate(code->nameplate)) std::abort();
  return 0;
}
