#pragma once
// Reading fields of a JSON object the organisation's files and messages hold (statement bodies,
// tokens, enrolment requests): false when a field is missing, of the wrong type or too long.
// Internal to org/.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace telemaint::org {

inline bool TextField(const nlohmann::json& j, const char* key, std::string& out,
                      size_t max = 256) {
  if (!j.is_object()) return false;
  auto it = j.find(key);
  if (it == j.end() || !it->is_string() || it->get_ref<const std::string&>().size() > max)
    return false;
  out = it->get<std::string>();
  return true;
}

inline bool TimeField(const nlohmann::json& j, const char* key, int64_t& out) {
  if (!j.is_object()) return false;
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return false;
  out = it->get<int64_t>();
  return true;
}

}  // namespace telemaint::org
