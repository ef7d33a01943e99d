#pragma once
// The sentences a person reads for the relay's error codes and session endings (the codes
// themselves are common/vocabulary.h's), in one place for the relay's messages and for what
// hosts and viewers print. See docs/protocol.md#errors.
#include <string>

#include "common/vocabulary.h"

namespace telemaint::msg {

// The sentence for an error code.
std::string Sentence(wire::ErrorCode code);
// The sentence for the other peer when a session ends for `reason`; `to` picks the wording
// (the host's or the viewer's).
std::string PeerGoneSentence(wire::EndReason reason, wire::Party to);

}  // namespace telemaint::msg
