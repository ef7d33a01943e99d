// Reading an inventory, possibly another machine's (any shape): the disk warnings and the
// technician's one-line summary.
#include <algorithm>
#include <cstdio>

#include "inventory/inventory.h"
#include "inventory/text.h"

namespace telemaint::inventory {
namespace {

using Json = nlohmann::json;

constexpr char kSeparator[] = " \u00b7 ";

const Json& Member(const Json& j, const char* key) {
  static const Json kMissing;
  if (!j.is_object()) return kMissing;
  const auto it = j.find(key);
  return it == j.end() ? kMissing : *it;
}

std::string StringAt(const Json& j, const char* key) {
  const Json& m = Member(j, key);
  return m.is_string() ? m.get<std::string>() : std::string();
}

std::uint64_t UIntAt(const Json& j, const char* key) {
  const Json& m = Member(j, key);
  if (m.is_number_unsigned()) return m.get<std::uint64_t>();
  if (m.is_number_integer() && m.get<std::int64_t>() > 0) return m.get<std::uint64_t>();
  return 0;
}

std::optional<int> UsedPercent(const Json& disk) {
  const std::uint64_t total = UIntAt(disk, "total_bytes");
  if (total == 0) return std::nullopt;
  const std::uint64_t free = std::min(UIntAt(disk, "free_bytes"), total);
  return static_cast<int>(static_cast<unsigned __int128>(total - free) * 100 / total);
}

std::string Gib(std::uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", static_cast<double>(bytes) / (1ULL << 30));
  return text;
}

std::string Duration(std::uint64_t s) {
  const std::uint64_t days = s / 86400, hours = s % 86400 / 3600, minutes = s % 3600 / 60;
  if (days > 0) return std::to_string(days) + " d " + std::to_string(hours) + " h";
  if (hours > 0) return std::to_string(hours) + " h " + std::to_string(minutes) + " min";
  return std::to_string(minutes) + " min";
}

std::optional<int> RootUsedPercent(const Json& disks) {
  if (!disks.is_array()) return std::nullopt;
  for (const Json& d : disks) {
    if (StringAt(d, "mount") == "/") return UsedPercent(d);
  }
  return std::nullopt;
}

std::string OsName(const Json& os) {
  std::string name = StringAt(os, "name");
  if (name.empty()) {
    const std::string id_and_version = StringAt(os, "id") + " " + StringAt(os, "version");
    name = std::string(Trim(id_and_version));
  }
  return Sanitize(name);
}

}  // namespace

std::vector<std::string> DiskWarnings(const nlohmann::json& disks) {
  std::vector<std::string> warnings;
  if (!disks.is_array()) return warnings;
  for (const Json& disk : disks) {
    const auto percent = UsedPercent(disk);
    if (!percent || *percent < kFullPercent) continue;
    // Room for the words around the mount point within kMaxString.
    warnings.push_back("disk " + Sanitize(StringAt(disk, "mount"), kMaxString - 20) + " is " +
                       std::to_string(*percent) + "% full");
  }
  return warnings;
}

std::string InventorySummary(const nlohmann::json& inventory) {
  std::vector<std::string> parts;
  if (auto name = OsName(Member(inventory, "os")); !name.empty()) parts.push_back(name);
  if (const auto cores = UIntAt(Member(inventory, "cpu"), "cores"); cores > 0) {
    parts.push_back(std::to_string(cores) + (cores == 1 ? " core" : " cores"));
  }
  if (const auto ram = UIntAt(Member(inventory, "memory"), "total_bytes"); ram > 0) {
    parts.push_back(Gib(ram) + " GiB RAM");
  }
  if (const auto percent = RootUsedPercent(Member(inventory, "disks"))) {
    parts.push_back("/ " + std::to_string(*percent) + "% used");
  }
  if (const auto up = UIntAt(inventory, "uptime_s"); up > 0) parts.push_back("up " + Duration(up));
  const Json& warnings = Member(Member(inventory, "health"), "warnings");
  if (warnings.is_array() && !warnings.empty()) {
    parts.push_back(std::to_string(warnings.size()) +
                    (warnings.size() == 1 ? " warning" : " warnings"));
  }
  std::string line;
  for (const auto& part : parts) line += (line.empty() ? "" : kSeparator) + part;
  return line;
}

}  // namespace telemaint::inventory
