#include "peer/side_messages.h"

namespace telemaint::peer {
namespace {

using nlohmann::json;

constexpr size_t kMaxDetail = 200;

bool IsType(const json& m, const char* type) {
  if (!m.is_object()) return false;
  auto t = m.find("type");
  return t != m.end() && t->is_string() && t->get_ref<const std::string&>() == type;
}

// A whole number >= 0 (parsed JSON gives unsigned, a built one signed).
std::optional<uint64_t> CountField(const json& m, const char* name) {
  auto f = m.find(name);
  if (f == m.end() || !f->is_number_integer()) return std::nullopt;
  if (f->is_number_unsigned()) return f->get<uint64_t>();
  const int64_t v = f->get<int64_t>();
  if (v < 0) return std::nullopt;
  return static_cast<uint64_t>(v);
}

std::optional<uint32_t> IdField(const json& m) {
  auto v = CountField(m, "id");
  if (!v || *v == 0 || *v > UINT32_MAX) return std::nullopt;
  return static_cast<uint32_t>(*v);
}

std::optional<std::string> TextField(const json& m, const char* name, size_t max) {
  auto f = m.find(name);
  if (f == m.end() || !f->is_string()) return std::nullopt;
  const auto& s = f->get_ref<const std::string&>();
  if (s.size() > max || !IsValidUtf8(s)) return std::nullopt;
  return s;
}

bool IsDigest(const std::string& hex) {
  if (hex.size() != 64) return false;
  for (char c : hex)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::optional<FileDigest> DecodeDigest(const json& m, const char* type) {
  if (!IsType(m, type)) return std::nullopt;
  auto id = IdField(m);
  auto sha = TextField(m, "sha256", 64);
  if (!id || !sha || !IsDigest(*sha)) return std::nullopt;
  return FileDigest{*id, *sha};
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n = 0;
    uint32_t cp = 0;
    if ((c >> 5) == 0x6) {
      n = 1, cp = c & 0x1f;
    } else if ((c >> 4) == 0xe) {
      n = 2, cp = c & 0x0f;
    } else if ((c >> 3) == 0x1e) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= text.size()) return false;
    for (size_t k = 1; k <= n; ++k) {
      const auto d = static_cast<unsigned char>(text[i + k]);
      if ((d & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3f);
    }
    constexpr uint32_t kLeast[] = {0, 0x80, 0x800, 0x10000};  // shorter forms are overlong
    if (cp < kLeast[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n + 1;
  }
  return true;
}

Bytes EncodeClipboard(const ClipboardText& clip) {
  Bytes out;
  out.reserve(clip.text.size() + 1);
  out.push_back(static_cast<uint8_t>(clip.selection));
  out.insert(out.end(), clip.text.begin(), clip.text.end());
  return out;
}

std::optional<ClipboardText> DecodeClipboard(ByteView payload) {
  if (payload.empty() || payload.size() - 1 > kMaxClipboardBytes || payload[0] > 1)
    return std::nullopt;
  ClipboardText clip{static_cast<Selection>(payload[0]),
                     std::string(payload.begin() + 1, payload.end())};
  if (!IsValidUtf8(clip.text)) return std::nullopt;
  return clip;
}

Bytes EncodeFilePieceHeader(uint32_t id) {
  return Bytes{static_cast<uint8_t>(id >> 24), static_cast<uint8_t>(id >> 16),
               static_cast<uint8_t>(id >> 8), static_cast<uint8_t>(id)};
}

std::optional<FilePiece> DecodeFilePiece(ByteView payload) {
  if (payload.size() < 5 || payload.size() - 4 > kFilePiece) return std::nullopt;
  const uint32_t id = (uint32_t{payload[0]} << 24) | (uint32_t{payload[1]} << 16) |
                      (uint32_t{payload[2]} << 8) | payload[3];
  if (id == 0) return std::nullopt;
  return FilePiece{id, payload.subspan(4)};
}

json EncodeFileOffer(const FileOffer& offer) {
  return {{"type", "file_offer"}, {"id", offer.id}, {"name", offer.name}, {"size", offer.size}};
}

std::optional<FileOffer> DecodeFileOffer(const json& m) {
  if (!IsType(m, "file_offer")) return std::nullopt;
  auto id = IdField(m);
  auto name = m.find("name");  // any bytes: made safe by the receiver, never trusted as-is
  auto size = CountField(m, "size");
  if (!id || name == m.end() || !name->is_string() || !size) return std::nullopt;
  FileOffer offer{*id, name->get<std::string>(), *size};
  if (offer.name.size() > kMaxOfferedName || offer.size > kMaxFileBytes) return std::nullopt;
  return offer;
}

json EncodeFileAnswer(const FileAnswer& answer) {
  return {{"type", "file_answer"}, {"id", answer.id}, {"accept", answer.accept}};
}

std::optional<FileAnswer> DecodeFileAnswer(const json& m) {
  if (!IsType(m, "file_answer")) return std::nullopt;
  auto id = IdField(m);
  auto accept = m.find("accept");
  if (!id || accept == m.end() || !accept->is_boolean()) return std::nullopt;
  return FileAnswer{*id, accept->get<bool>()};
}

json EncodeFileEnd(const FileDigest& end) {
  return {{"type", "file_end"}, {"id", end.id}, {"sha256", end.sha256}};
}
std::optional<FileDigest> DecodeFileEnd(const json& m) { return DecodeDigest(m, "file_end"); }

json EncodeFileReceived(const FileDigest& received) {
  return {{"type", "file_received"}, {"id", received.id}, {"sha256", received.sha256}};
}
std::optional<FileDigest> DecodeFileReceived(const json& m) {
  return DecodeDigest(m, "file_received");
}

json EncodeFileCancel(const FileCancel& cancel) {
  return {{"type", "file_cancel"},
          {"id", cancel.id},
          {"why", wire::ToWire(cancel.why)},
          {"detail", cancel.detail.substr(0, kMaxDetail)}};
}

std::optional<FileCancel> DecodeFileCancel(const json& m) {
  if (!IsType(m, "file_cancel")) return std::nullopt;
  auto id = IdField(m);
  auto why = TextField(m, "why", 32);
  auto detail = TextField(m, "detail", kMaxDetail);
  if (!id || !why) return std::nullopt;
  auto event = wire::FromWire<wire::TransferEvent>(*why);
  if (event != wire::TransferEvent::kCancelled && event != wire::TransferEvent::kFailed &&
      event != wire::TransferEvent::kRefused)
    event = wire::TransferEvent::kFailed;  // a word of a later version: it did not arrive
  return FileCancel{*id, *event, detail.value_or("")};
}

std::string ChatText(std::string text) {
  for (char& c : text)
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\n') || c == 0x7f) c = ' ';
  return text;
}

std::string OneLine(std::string text) {
  for (char& c : text)
    if (c == '\n') c = ' ';
  return text;
}

json EncodeChat(const std::string& text) { return {{"type", "chat"}, {"text", text}}; }

std::optional<std::string> DecodeChat(const json& m) {
  if (!IsType(m, "chat")) return std::nullopt;
  auto text = TextField(m, "text", kMaxChatBytes);
  if (!text || text->empty()) return std::nullopt;
  return text;
}

json EncodeClipboardAllowed(bool allowed) {
  return {{"type", "clipboard_allowed"}, {"allowed", allowed}};
}

std::optional<bool> DecodeClipboardAllowed(const json& m) {
  if (!IsType(m, "clipboard_allowed")) return std::nullopt;
  auto allowed = m.find("allowed");
  if (allowed == m.end() || !allowed->is_boolean()) return std::nullopt;
  return allowed->get<bool>();
}

json EncodeFileFetch(const std::string& path) { return {{"type", "file_fetch"}, {"path", path}}; }

std::optional<std::string> DecodeFileFetch(const json& m) {
  if (!IsType(m, "file_fetch")) return std::nullopt;
  auto path = TextField(m, "path", 4000);
  if (!path || path->empty()) return std::nullopt;
  return path;
}

}  // namespace telemaint::peer
