// The commands that talk to the relay with an admin account: pending requests, approvals,
// rejections, revocations. Every statement is signed here, with the key the relay never holds.
#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <iostream>

#include "admin/commands.h"
#include "admin/org_dir.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/prompt.h"
#include "crypto/secret.h"

namespace telemaint::admin {

using nlohmann::json;

namespace {

int Fail(const std::string& message) {
  std::cerr << "error: " << message << "\n";
  return 1;
}

// Asked once per command (approve talks to the relay twice), kept until the program ends.
std::string Password(const std::string& user) {
  static std::string kept;
  static bool asked = false;
  if (!asked) {
    asked = true;
    if (const char* env = std::getenv("TELEMAINT_PASSWORD")) {
      kept = env;
      unsetenv("TELEMAINT_PASSWORD");
    } else if (auto typed = PromptSecret("Password for " + user + ": ")) {
      kept = std::move(*typed);
    }
  }
  return kept;  // a copy: AskRelay wipes its own
}

Result<std::vector<json>> Ask(const RelayArgs& a, const std::vector<json>& requests) {
  auto relay = ParseRelayUrl(a.relay);
  if (!relay.ok()) return Status::InvalidInput("--relay: " + relay.status().message());
  std::string password = Password(a.user);
  return org::AskRelay({*relay, a.ca_file, a.user}, password, requests);
}

// A pending request as the admin must judge it: the token that made it, and whether its MAC
// proves that (a relay cannot make one).
struct Judged {
  org::EnrolmentRequest request;
  std::optional<org::EnrolmentToken> token;
  Status verdict;
  std::string address;
  int64_t received_at = 0;
};

Judged Judge(const OrgDir& org, const json& item) {
  Judged j;
  if (!item.is_object()) {
    j.verdict = Status::InvalidInput("the relay sent a malformed entry");
    return j;
  }
  if (item.contains("address") && item["address"].is_string()) j.address = item["address"];
  if (item.contains("received_at") && item["received_at"].is_number_integer())
    j.received_at = item["received_at"].get<int64_t>();
  auto request = org::RequestFromJson(item.contains("request") ? item["request"] : json());
  if (!request.ok()) {
    j.verdict = request.status();
    return j;
  }
  j.request = std::move(*request);
  auto token = org.Token(j.request.token_id);
  if (!token.ok()) {
    j.verdict = token.status();
    return j;
  }
  j.token = std::move(*token);
  j.verdict = org::CheckEnrolmentMac(j.token->secret, j.request);
  if (j.verdict.ok() && j.received_at > j.token->expires_at)
    j.verdict = Status::Expired("its token had expired when the request came");
  return j;
}

Result<std::vector<Judged>> PendingRequests(const RelayArgs& a, const OrgDir& org) {
  auto answers = Ask(a, {json{{"type", "pending"}}});
  if (!answers.ok()) return answers.status();
  std::vector<Judged> out;
  const json& answer = answers->at(0);
  const json requests = answer.contains("requests") && answer["requests"].is_array()
                            ? answer["requests"]
                            : json::array();
  for (const auto& item : requests) out.push_back(Judge(org, item));
  return out;
}

// A text field of the request's inventory (the machine's word, any shape): "" unless a string.
std::string OsName(const json& inventory) {
  if (!inventory.is_object() || !inventory.contains("os") || !inventory["os"].is_object())
    return {};
  const json& name = inventory["os"].contains("name") ? inventory["os"]["name"] : json();
  return name.is_string() ? name.get<std::string>() : std::string();
}

std::string Describe(const Judged& j) {
  const std::string os = OsName(j.request.inventory);
  return log::Printable(j.request.name) + "  id " + j.request.machine_id + "  customer " +
         (j.token ? log::Printable(j.token->customer) : std::string("?")) + "  from " +
         j.address + (os.empty() ? "" : "  " + log::Printable(os)) + "  — " +
         (j.verdict.ok() ? std::string("made with token ") + j.request.token_id
                         : "NOT APPROVABLE: " + j.verdict.message());
}

}  // namespace

int Pending(const RelayArgs& a) {
  auto org = OrgDir::Open(a.org_dir);
  if (!org.ok()) return Fail(org.status().message());
  auto pending = PendingRequests(a, *org);
  if (!pending.ok()) return Fail(pending.status().message());
  if (a.json) {
    json out = json::array();
    for (const auto& j : *pending)
      out.push_back({{"request", org::RequestToJson(j.request)}, {"approvable", j.verdict.ok()},
                     {"why", j.verdict.ok() ? "" : j.verdict.message()},
                     {"customer", j.token ? j.token->customer : ""}, {"address", j.address}});
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  if (pending->empty()) std::cout << "No machine waits for approval.\n";
  for (const auto& j : *pending) std::cout << Describe(j) << "\n";
  return 0;
}

int Approve(const RelayArgs& a, const std::vector<std::string>& wanted, bool all) {
  auto org = OrgDir::Open(a.org_dir);
  if (!org.ok()) return Fail(org.status().message());
  auto pending = PendingRequests(a, *org);
  if (!pending.ok()) return Fail(pending.status().message());
  // A name two requests share is ambiguous (a token holder could have used the real one's):
  // approve those by id, as `pending` lists them.
  for (const auto& name : wanted) {
    int named = 0;
    for (const auto& j : *pending) named += j.request.name == name;
    if (named > 1)
      return Fail(std::to_string(named) + " pending requests are named " + name +
                  ": approve the right one by its id (telemaint-admin pending)");
  }
  std::vector<json> uploads;
  std::vector<std::pair<std::string, std::string>> records;  // id, record
  int refused = 0;
  for (const auto& j : *pending) {
    const bool named = all || std::find(wanted.begin(), wanted.end(), j.request.machine_id) !=
                                  wanted.end() ||
                       std::find(wanted.begin(), wanted.end(), j.request.name) != wanted.end();
    if (!named) continue;
    if (!j.verdict.ok()) {
      std::cerr << "not approved: " << Describe(j) << "\n";
      ++refused;
      continue;
    }
    org::MachineRecord r{org->name(), j.request.machine_id, j.token->customer, j.request.name,
                         FromHex(j.request.machine_key), j.received_at, UnixSecondsNow()};
    auto statement = org::SignStatement(org->key(), org::StatementKind::kMachineRecord,
                                        r.ToJson(org->public_key()));
    records.emplace_back(r.machine_id, org::EncodeStatement(statement));
    uploads.push_back({{"type", "approve"}, {"record", records.back().second}});
  }
  if (uploads.empty()) return Fail(refused ? "nothing approved" : "no such pending request");
  auto answers = Ask(a, uploads);
  if (!answers.ok()) return Fail(answers.status().message());
  for (const auto& [id, record] : records) {
    if (Status s = org->SaveMachine(id, record); !s.ok()) std::cerr << "warning: " << s.message() << "\n";
    std::cout << "Approved machine " << id << ".\n";
  }
  return refused ? 1 : 0;
}

int Reject(const RelayArgs& a, const std::vector<std::string>& machine_ids) {
  std::vector<json> requests;
  for (const auto& id : machine_ids) requests.push_back({{"type", "reject"}, {"machine_id", id}});
  auto answers = Ask(a, requests);
  if (!answers.ok()) return Fail(answers.status().message());
  std::cout << "Rejected " << machine_ids.size() << " request(s).\n";
  return 0;
}

int Revoke(const RelayArgs& a, const std::vector<std::string>& technicians,
           const std::vector<std::string>& machines) {
  auto org = OrgDir::Open(a.org_dir);
  if (!org.ok()) return Fail(org.status().message());
  auto list = org->Revocations();
  if (!list.ok()) return Fail(list.status().message());
  for (const auto& key : technicians) {
    if (!org::IsPublicKeyHex(key)) return Fail("--technician takes a key of 64 hex digits");
    if (!list->RevokesTechnician(key)) list->technicians.push_back(key);
  }
  for (const auto& id : machines) {
    if (!org::IsMachineId(id)) return Fail("--machine takes a machine id of 32 hex digits");
    if (!list->RevokesMachine(id)) list->machines.push_back(id);
  }
  ++list->serial;
  list->issued_at = UnixSecondsNow();
  json body = list->ToJson();
  body["org_key"] = ToHex(org->public_key());
  auto statement = org::SignStatement(org->key(), org::StatementKind::kRevocationList, body);
  auto answers = Ask(a, {json{{"type", "revoke"}, {"list", org::EncodeStatement(statement)}}});
  if (!answers.ok()) return Fail(answers.status().message());
  if (Status s = org->SaveRevocations(*list); !s.ok()) return Fail(s.message());
  std::cout << "Revocation list " << list->serial << " published: " << list->technicians.size()
            << " technician key(s), " << list->machines.size() << " machine(s) revoked.\n"
            << "Also disable revoked technicians' relay accounts "
            << "(telemaint-relay user disable NAME).\n";
  return 0;
}

}  // namespace telemaint::admin
