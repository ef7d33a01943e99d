#include "org/client/org_client.h"

#include "common/wire.h"
#include "crypto/secret.h"
#include "net/tls.h"
#include "net/ws_client.h"

namespace telemaint::org {

using namespace net;
using nlohmann::json;

namespace {

Status FromErrorAnswer(const json& answer) {
  const std::string message =
      answer.value("message", std::string("the relay refused the request"));
  const std::string code = answer.value("code", std::string());
  if (code == "auth_failed" || code == "forbidden" || code == "rate_limited")
    return Status::AuthFailed(message);
  return Status::InvalidInput(message);
}

asio::awaitable<Result<json>> Receive(WsConnection& ws) {
  error_code ec;
  auto frame = co_await ws.Receive(ec);
  if (!frame || !frame->text)
    co_return Status::Io("the relay closed the connection" +
                         (ec ? " (" + ec.message() + ")" : std::string()));
  json answer = json::parse(frame->data, nullptr, false);
  if (!answer.is_object()) co_return Status::Protocol("the relay sent an unexpected answer");
  if (answer.value("type", std::string()) == "error") co_return FromErrorAnswer(answer);
  co_return answer;
}

asio::awaitable<Status> Converse(std::shared_ptr<WsConnection> ws, std::string& password,
                                 const RelayAccount& account, const std::vector<json>& requests,
                                 std::vector<json>& answers) {
  json login = {{"type", "login"}, {"proto", wire::kProtocolVersion}, {"user", account.user},
                {"password", password}};
  crypto::Wipe(password);
  std::string text = login.dump(-1, ' ', false, json::error_handler_t::replace);
  crypto::Wipe(login["password"].get_ref<std::string&>());
  ws->SendText(std::move(text));
  auto welcome = co_await Receive(*ws);
  if (!welcome.ok()) co_return welcome.status();
  for (const json& request : requests) {
    ws->SendText(request.dump(-1, ' ', false, json::error_handler_t::replace));
    auto answer = co_await Receive(*ws);
    if (!answer.ok()) co_return answer.status();
    answers.push_back(std::move(*answer));
  }
  co_return Status::Ok();
}

}  // namespace

Result<std::vector<json>> AskRelay(const RelayAccount& account, std::string& password,
                                   const std::vector<json>& requests) {
  auto tls = MakeClientTlsContext(account.ca_file);
  if (!tls.ok()) {
    crypto::Wipe(password);
    return tls.status();
  }
  asio::io_context io{1};
  std::vector<json> answers;
  Status outcome = Status::Internal("the conversation with the relay did not run");
  co_spawn(io, [&]() -> asio::awaitable<void> {
    DialOptions options;
    options.max_message_bytes = 64u << 20;  // a machine list with every inventory
    const std::string path = "/v1/org";
    auto dialed = co_await DialRelay(**tls, account.relay, path, options);
    if (!dialed.ok()) {
      crypto::Wipe(password);
      outcome = dialed.status();
      co_return;
    }
    auto ws = *dialed;
    outcome = co_await Converse(ws, password, account, requests, answers);
    ws->CloseAfterFlush(websocket::close_code::normal);
    co_await ws->WaitClosed();
  }, asio::detached);
  io.run();
  crypto::Wipe(password);
  if (!outcome.ok()) return outcome;
  return answers;
}

}  // namespace telemaint::org
