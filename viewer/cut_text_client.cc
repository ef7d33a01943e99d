#include "viewer/cut_text_client.h"

#include <rfb/rfbclient.h>

#include <cstring>

namespace telemaint::viewer {

struct CutTextClient::Impl {
  rfbClient* client = nullptr;
  std::optional<std::string> received;
  ~Impl() {
    if (client) rfbClientCleanup(client);
  }
  static void GotCutText(rfbClient* client, const char* text, int length) {
    auto* self = static_cast<Impl*>(rfbClientGetClientData(client, nullptr));
    self->received = std::string(text, static_cast<size_t>(length));
  }
};

CutTextClient::CutTextClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CutTextClient::~CutTextClient() = default;

Result<std::unique_ptr<CutTextClient>> CutTextClient::Connect(uint16_t port) {
  auto impl = std::make_unique<Impl>();
  rfbClient* client = rfbGetClient(8, 3, 4);
  client->serverHost = strdup("127.0.0.1");
  client->serverPort = port;
  client->GotXCutText = Impl::GotCutText;
  rfbClientSetClientData(client, nullptr, impl.get());
  if (!rfbInitClient(client, nullptr, nullptr))  // frees the client when it fails
    return Status::Io("the VNC server on port " + std::to_string(port) + " did not let us in");
  impl->client = client;
  return std::unique_ptr<CutTextClient>(new CutTextClient(std::move(impl)));
}

bool CutTextClient::Send(const std::string& latin1) {
  std::string text = latin1;  // libvncclient takes a non-const buffer
  return SendClientCutText(impl_->client, text.data(), static_cast<int>(text.size()));
}

std::optional<std::string> CutTextClient::WaitForCutText(std::chrono::milliseconds wait) {
  impl_->received.reset();
  const auto until = std::chrono::steady_clock::now() + wait;
  while (!impl_->received && std::chrono::steady_clock::now() < until)
    if (WaitForMessage(impl_->client, 100000) > 0 && !HandleRFBServerMessage(impl_->client)) break;
  return impl_->received;
}

}  // namespace telemaint::viewer
