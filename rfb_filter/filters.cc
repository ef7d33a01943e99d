#include "rfb_filter/filters.h"

namespace telemaint::rfb {
namespace {

// Pseudo-encodings both ends take: levels, cursors, resizes and the end of an update.
void AddCommonPseudo(std::set<int32_t>& s) {
  for (int32_t e = int32_t(Encoding::kCompressLevel0); e <= int32_t(Encoding::kCompressLevel9);
       ++e)
    s.insert(e);
  for (int32_t e = int32_t(Encoding::kQualityLevel0); e <= int32_t(Encoding::kQualityLevel9); ++e)
    s.insert(e);
  // ExtendedDesktopSize too: with it libvncserver restates the screen's size after every full
  // update request, so a client that missed a resize catches up.
  for (Encoding e : {Encoding::kXCursor, Encoding::kRichCursor, Encoding::kPointerPos,
                     Encoding::kLastRect, Encoding::kNewFbSize, Encoding::kExtendedDesktopSize})
    s.insert(int32_t(e));
}

}  // namespace

ClientRules ViewerClientRules() {
  ClientRules rules;
  for (Encoding e : {Encoding::kRaw, Encoding::kCopyRect, Encoding::kTight, Encoding::kZrle})
    rules.encodings.insert(int32_t(e));
  AddCommonPseudo(rules.encodings);
  rules.vnc_auth = true;  // a --vnc-server behind the host may ask for its password
  return rules;
}

// Every encoder of libvncserver's that third-party viewers use (through --listen); none of
// the extensions whose messages the host refuses (fences, xvp, QEMU keys). A SetDesktopSize,
// which viewers may send once they know of ExtendedDesktopSize, is dropped.
ClientRules HostClientRules() {
  ClientRules rules;
  for (Encoding e : {Encoding::kRaw, Encoding::kCopyRect, Encoding::kRre, Encoding::kCoRre,
                     Encoding::kHextile, Encoding::kZlib, Encoding::kTight, Encoding::kZrle,
                     Encoding::kZywrle})
    rules.encodings.insert(int32_t(e));
  AddCommonPseudo(rules.encodings);
  rules.gate_input = true;
  rules.colour_map = true;  // libvncserver serves 8-bit colour maps to viewers that ask
  rules.drop_desktop_size = true;
  return rules;
}

ViewerRfbFilter::ViewerRfbFilter() : client_(negotiated_, ViewerClientRules()) {}

Status ViewerRfbFilter::FromPeer(ByteView in, Bytes& out) {
  if (Status s = server_.Feed(in, out); !s.ok())
    return Status::Protocol("the customer's computer sent screen data the viewer refuses (" +
                            s.message() + ")");
  return Status::Ok();
}

Status ViewerRfbFilter::FromLocal(ByteView in, Bytes& out) {
  if (Status s = client_.Feed(in, out); !s.ok())
    return Status::Internal("the viewer's own VNC client sent something unexpected (" +
                            s.message() + ")");
  return Status::Ok();
}

// The built-in server offers only None: the channel around it is the authentication.
HostRfbFilter::HostRfbFilter() : client_(negotiated_, HostClientRules()) {
  negotiated_.security = SecurityType::kNone;
}

Status HostRfbFilter::FromPeer(ByteView in, Bytes& out) {
  if (Status s = client_.Feed(in, out); !s.ok())
    return Status::Protocol("the technician's viewer sent something the host refuses (" +
                            s.message() + ")");
  return Status::Ok();
}

Status HostRfbFilter::FromLocal(ByteView in, Bytes& out) {
  Append(out, in);
  return Status::Ok();
}

}  // namespace telemaint::rfb
