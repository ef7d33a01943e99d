#pragma once
// What crosses a session beside the screen, inside the end-to-end channel: clipboard text (its
// own inner type), files (offers and answers as session messages, their bytes as inner file
// messages) and chat. See docs/protocol.md#beside-the-screen. Every decoder checks every field
// and bound; anything malformed gives nullopt (ignored, or the transfer fails).
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/bytes.h"
#include "common/vocabulary.h"

namespace telemaint::peer {

inline constexpr size_t kMaxClipboardBytes = 256 * 1024;  // UTF-8 text
inline constexpr size_t kMaxChatBytes = 2000;              // one message, UTF-8
inline constexpr size_t kMaxOfferedName = 1024;            // bytes, before it is made safe
inline constexpr uint64_t kMaxFileBytes = uint64_t{1} << 42;  // 4 TiB: any real file
inline constexpr size_t kFilePiece = 60 * 1024;  // file bytes per inner message

// Valid UTF-8 (no overlong forms, no surrogates); the clipboard and chat accept nothing else.
bool IsValidUtf8(std::string_view text);

// Inner type kInnerClipboard: one byte for the selection, then the text.
enum class Selection : uint8_t { kClipboard = 0, kPrimary = 1 };
struct ClipboardText {
  Selection selection = Selection::kClipboard;
  std::string text;
};
Bytes EncodeClipboard(const ClipboardText& clip);
std::optional<ClipboardText> DecodeClipboard(ByteView payload);

// Inner type kInnerFileData: the transfer's id (4 bytes, big-endian), then file bytes.
Bytes EncodeFilePieceHeader(uint32_t id);
struct FilePiece {
  uint32_t id = 0;
  ByteView bytes;
};
std::optional<FilePiece> DecodeFilePiece(ByteView payload);

// sender -> receiver: {"type":"file_offer","id":N,"name":...,"size":N}
struct FileOffer {
  uint32_t id = 0;
  std::string name;  // as the sender named it: the receiver makes it safe (peer/file_names.h)
  uint64_t size = 0;
};
nlohmann::json EncodeFileOffer(const FileOffer& offer);
std::optional<FileOffer> DecodeFileOffer(const nlohmann::json& message);

// receiver -> sender: {"type":"file_answer","id":N,"accept":bool}
struct FileAnswer {
  uint32_t id = 0;
  bool accept = false;
};
nlohmann::json EncodeFileAnswer(const FileAnswer& answer);
std::optional<FileAnswer> DecodeFileAnswer(const nlohmann::json& message);

// sender -> receiver after the last piece: {"type":"file_end","id":N,"sha256":HEX}
// receiver -> sender once it is in place: {"type":"file_received","id":N,"sha256":HEX}
struct FileDigest {
  uint32_t id = 0;
  std::string sha256;  // 64 lower-case hex digits
};
nlohmann::json EncodeFileEnd(const FileDigest& end);
std::optional<FileDigest> DecodeFileEnd(const nlohmann::json& message);
nlohmann::json EncodeFileReceived(const FileDigest& received);
std::optional<FileDigest> DecodeFileReceived(const nlohmann::json& message);

// either side: {"type":"file_cancel","id":N,"why":"cancelled"|"failed"|"refused","detail":...}
struct FileCancel {
  uint32_t id = 0;
  wire::TransferEvent why = wire::TransferEvent::kCancelled;
  std::string detail;  // a sentence for a person, at most 200 bytes
};
nlohmann::json EncodeFileCancel(const FileCancel& cancel);
// The id of a file_cancel that answers a file_fetch which could not be served.
inline constexpr uint32_t kFetchFailedId = 0xffffffff;
std::optional<FileCancel> DecodeFileCancel(const nlohmann::json& message);

// either side: {"type":"chat","text":...}
nlohmann::json EncodeChat(const std::string& text);
// A chat message as it is sent and shown on terminals: control characters but new lines become
// spaces. OneLine: for a conversation pane, where a new line could pose as another speaker's.
std::string ChatText(std::string text);
std::string OneLine(std::string text);
std::optional<std::string> DecodeChat(const nlohmann::json& message);

// host -> viewer: whether the customer lets the clipboard cross now (control, and their switch).
// {"type":"clipboard_allowed","allowed":bool}
nlohmann::json EncodeClipboardAllowed(bool allowed);
std::optional<bool> DecodeClipboardAllowed(const nlohmann::json& message);

// viewer -> host, an unattended machine with policy allow only: send me this file.
// {"type":"file_fetch","path":...}
nlohmann::json EncodeFileFetch(const std::string& path);
std::optional<std::string> DecodeFileFetch(const nlohmann::json& message);

}  // namespace telemaint::peer
