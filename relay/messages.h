#pragma once
// Error codes the relay sends in `error` and `peer_gone`, with the sentence a person reads.
// See docs/protocol.md#errors.
#include <string>
#include <string_view>

namespace telemaint::relay::msg {

inline constexpr std::string_view kBadRequest = "bad_request";
inline constexpr std::string_view kUnsupportedVersion = "unsupported_version";
inline constexpr std::string_view kTimeout = "timeout";
inline constexpr std::string_view kServerBusy = "server_busy";
inline constexpr std::string_view kRateLimited = "rate_limited";
inline constexpr std::string_view kAuthFailed = "auth_failed";
inline constexpr std::string_view kForbidden = "forbidden";
inline constexpr std::string_view kUnknownCode = "unknown_code";
inline constexpr std::string_view kCodeExpired = "code_expired";
inline constexpr std::string_view kCodeInUse = "code_in_use";
inline constexpr std::string_view kTooLarge = "too_large";
inline constexpr std::string_view kShuttingDown = "shutting_down";
inline constexpr std::string_view kInternal = "internal";

// The sentence for an error code.
std::string Sentence(std::string_view code);
// The sentence for the other peer when a session ends for `reason`; `to_host` picks wording.
std::string PeerGoneSentence(std::string_view reason, bool to_host);
// Abort reasons a peer may give; anything else is logged as "other".
std::string_view NormaliseAbortReason(std::string_view reason);

}  // namespace telemaint::relay::msg
