// The RFB filters of both ends (rfb_filter/) against random and mutated streams, and a real
// libvncclient reading whatever the viewer's filter lets through. The first byte picks:
//   0, 1  the host's messages into the viewer after a normal handshake; what passes goes on to
//         libvncclient (as in the window), and feeding in pieces passes exactly the same bytes
//   2     the technician's messages into the host after a normal handshake, input allowed or
//         not, whole and in pieces; what passes goes on (one input in four) to the host's real
//         built-in server (libvncserver over a synthetic desktop), which must see no key or
//         pointer event unless input was allowed
//   3     either filter from its first byte, both directions interleaved
// The second byte sets the piece size and the input permission.
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "host/rfb_server.h"
#include "host/synthetic_desktop.h"
#include "rfb_filter/filters.h"
#include "rfb_filter/item_stream.h"
#include "viewer/rfb_snapshot.h"

using namespace telemaint;
using namespace telemaint::rfb;

namespace {

std::string U16s(int v) { return {char(v >> 8), char(v & 0xFF)}; }
std::string U32s(uint32_t v) { return U16s(int(v >> 16)) + U16s(int(v & 0xFFFF)); }
std::string Rect(int x, int y, int w, int h, int32_t e) {
  return U16s(x) + U16s(y) + U16s(w) + U16s(h) + U32s(static_cast<uint32_t>(e));
}
const std::string kVersion = "RFB 003.008\n";
const std::string kFormat =
    std::string("\0\0\0\0\x20\x18\0\x01\0\xff\0\xff\0\xff\x00\x08\x10\0\0\0", 20);

std::string Encodings(std::initializer_list<int32_t> list) {
  std::string m = std::string("\x02\0", 2) + U16s(int(list.size()));
  for (int32_t e : list) m += U32s(static_cast<uint32_t>(e));
  return m;
}
// What libvncclient sends at quality high (viewer/rfb_client.cc), as the snapshot sets it up.
const std::string kClientHandshake =
    kVersion + "\x01\x01" + kFormat +
    Encodings({7, 16, 1, 0, -253, -24, -240, -239, -232, -261, -223, -308, -224});
const std::string kServerHandshake = kVersion + std::string("\x01\x01\0\0\0\0", 6) + U16s(256) +
                                     U16s(192) + kFormat.substr(4, 16) + U32s(4) + "fuzz";

// The viewer's own snapshot client (libvncclient as the viewer sets it up) reads `stream` to
// its end: the socket is shut behind it.
void FeedLibvncclient(const Bytes& stream) {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) std::abort();
  size_t at = 0;
  while (at < stream.size()) {
    ssize_t n = send(fds[0], stream.data() + at, stream.size() - at, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n <= 0) break;
    at += static_cast<size_t>(n);
  }
  shutdown(fds[0], SHUT_WR);
  (void)viewer::TakeSnapshot(fds[1], viewer::Quality::kHigh, std::chrono::seconds(5));
  close(fds[0]);
}

// Whole and in pieces of `piece` bytes: the same bytes pass, the same verdict.
template <typename Whole, typename Pieces>
void SameInPieces(ByteView in, size_t piece, Whole whole, Pieces pieces) {
  Bytes a, b;
  const bool ok_whole = whole(in, a).ok();
  bool ok_pieces = true;
  for (size_t at = 0; at < in.size() && ok_pieces; at += piece)
    ok_pieces = pieces(in.subspan(at, std::min(piece, in.size() - at)), b).ok();
  if (ok_whole != ok_pieces || a != b) std::abort();
}

// A viewer filter past a normal handshake; `to_client` gets what the host's side of it passed.
void Handshake(ViewerRfbFilter& f, Bytes& to_client) {
  Bytes ignored;
  if (!f.FromPeer(AsBytes(kVersion), to_client).ok()) std::abort();
  if (!f.FromLocal(AsBytes(kClientHandshake.substr(0, 14)), ignored).ok()) std::abort();
  if (!f.FromPeer(AsBytes(kServerHandshake.substr(12)), to_client).ok()) std::abort();
  if (!f.FromLocal(AsBytes(kClientHandshake.substr(14)), ignored).ok()) std::abort();
}

void ViewerAfterHandshake(ByteView in, size_t piece) {
  ViewerRfbFilter whole, pieces;
  Bytes to_client, ignored;
  Handshake(whole, to_client);
  Handshake(pieces, ignored);
  SameInPieces(
      in, piece, [&](ByteView b, Bytes& o) { return whole.FromPeer(b, o); },
      [&](ByteView b, Bytes& o) { return pieces.FromPeer(b, o); });
  ViewerRfbFilter f;
  to_client.clear();
  Handshake(f, to_client);
  (void)f.FromPeer(in, to_client);
  FeedLibvncclient(to_client);
}

// One built-in server for the whole run (a thread of its own), its input always allowed: only
// the filter stands between the stream and the desktop's input.
struct Host {
  host::SyntheticDesktop* desktop = nullptr;
  std::unique_ptr<host::RfbServer> server;
  Host() {
    auto d = std::make_unique<host::SyntheticDesktop>(64, 48);
    desktop = d.get();
    auto s = host::RfbServer::Start(std::move(d));
    if (!s.ok()) std::abort();
    server = std::move(*s);
    server->SetInputAllowed(true);
  }
};

size_t InputEvents(const host::SyntheticDesktop& desktop) {
  size_t n = 0;
  for (const std::string& e : desktop.Events())
    n += e.rfind("key ", 0) == 0 || e.rfind("pointer ", 0) == 0;
  return n;
}

// The client's bytes into a new session, then its end; waits (bounded) until the server has
// read everything and closed.
void FeedLibvncserver(host::RfbServer& server, const Bytes& stream) {
  auto fd = server.NewSession();
  if (!fd.ok()) std::abort();
  size_t at = 0;
  bool shut = false;
  char sink[65536];
  for (int rounds = 0; rounds < 1000; ++rounds) {
    if (at < stream.size()) {
      ssize_t n = send(*fd, stream.data() + at, stream.size() - at, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n > 0) at += static_cast<size_t>(n);
    }
    if (at == stream.size() && !shut) shut = shutdown(*fd, SHUT_WR) == 0;
    pollfd p{*fd, POLLIN, 0};
    if (poll(&p, 1, 10) > 0 && recv(*fd, sink, sizeof sink, 0) <= 0) break;  // it closed
  }
  close(*fd);
}

void HostAfterHandshake(ByteView in, size_t piece, bool input_allowed, bool to_server) {
  static Host* host = new Host;  // lives as long as the process (its thread too)
  HostRfbFilter f1, f2;
  Bytes ignored;
  for (HostRfbFilter* f : {&f1, &f2}) {
    f->SetInputAllowed(input_allowed);
    if (!f->FromPeer(AsBytes(kVersion + "\x01\x01"), ignored).ok()) std::abort();
  }
  SameInPieces(
      in, piece, [&](ByteView b, Bytes& o) { return f1.FromPeer(b, o); },
      [&](ByteView b, Bytes& o) { return f2.FromPeer(b, o); });
  if (!to_server) return;
  HostRfbFilter f;
  Bytes stream;
  f.SetInputAllowed(input_allowed);
  (void)f.FromPeer(AsBytes(kVersion + "\x01\x01"), stream);
  (void)f.FromPeer(in, stream);
  const size_t before = InputEvents(*host->desktop);
  FeedLibvncserver(*host->server, stream);
  if (!input_allowed && InputEvents(*host->desktop) != before) std::abort();
}

// Records of [direction][length][bytes] into a filter from its start.
void Interleaved(ByteView in, bool viewer) {
  ViewerRfbFilter v;
  HostRfbFilter h;
  peer::StreamFilter& f = viewer ? static_cast<peer::StreamFilter&>(v) : h;
  Bytes out;
  while (in.size() >= 2) {
    const bool from_peer = in[0] & 1;
    const size_t n = std::min<size_t>(in[1], in.size() - 2);
    ByteView part = in.subspan(2, n);
    (void)(from_peer ? f.FromPeer(part, out) : f.FromLocal(part, out));
    in = in.subspan(2 + n);
  }
}

}  // namespace

std::vector<std::string> FuzzSeeds() {
  const std::string update = std::string("\0\0", 2);
  const std::string tile(8 * 8 * 4, '\x11');
  return {
      std::string("\0\x07", 2) + update + U16s(1) + Rect(0, 0, 8, 8, 0) + tile,
      std::string("\0\x10", 2) + update + U16s(2) + Rect(0, 0, 8, 8, 1) + U16s(8) + U16s(8) +
          Rect(8, 8, 8, 8, -239) + tile + std::string(8, '\xff'),
      std::string("\1\x03", 2) + update + U16s(1) + Rect(0, 0, 64, 64, 16) + U32s(6) +
          "\x78\x9c\x63\x00\x00\x00",
      std::string("\0\x05", 2) + update + U16s(3) + Rect(0, 0, 32, 32, 7) + "\x80\x10\x20\x30" +
          Rect(0, 0, 32, 2, 7) + "\x40\x01\x01\0\0\0\xff\xff\xff\x08" + "\x78\x9c\x63\0\0\0\0\0" +
          Rect(0, 0, 300, 10, -223),
      std::string("\0\x01", 2) + update + U16s(0xffff) + Rect(0, 0, 0, 0, -224) + "\x02" +
          std::string("\x03\0\0\0", 4) + U32s(3) + "abc",
      std::string("\2\x07", 2) + "\x04\x01\0\0" + U32s(0x61) + "\x05\x01" + U16s(3) + U16s(4) +
          std::string("\x06\0\0\0", 4) + U32s(2) + "hi" + Encodings({5, 16, -308, 0}),
      std::string("\2\x02", 2) + std::string("\x03\x00", 2) + U16s(0) + U16s(0) + U16s(10) +
          U16s(10) + kFormat,
      std::string("\3\x00", 2) + std::string("\1\x0c", 2) + kVersion + std::string("\0\x0c", 2) +
          kVersion + std::string("\1\x02\x01\x01", 4),
  };
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint8_t mode = data[0] % 4;
  const size_t piece = 1 + data[1] % 61;
  ByteView in(data + 2, size - 2);
  switch (mode) {
    case 0:
    case 1: ViewerAfterHandshake(in, piece); break;
    // A session of the server takes a few tens of milliseconds: one host input in four.
    case 2: HostAfterHandshake(in, piece, data[1] & 0x80, (data[1] & 0x60) == 0x60); break;
    default: Interleaved(in, data[1] & 1); break;
  }
  return 0;
}
