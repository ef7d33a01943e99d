#pragma once
// The picture quality a technician picks (--quality, the window's menu): which RFB encodings
// the viewer asks the host for (see rfb_client.h).
#include <string>

#include "common/status.h"

namespace telemaint::viewer {

enum class Quality { kLossless, kHigh, kLow };
Result<Quality> ParseQuality(const std::string& name);  // lossless, high, low
const char* QualityName(Quality quality);

}  // namespace telemaint::viewer
