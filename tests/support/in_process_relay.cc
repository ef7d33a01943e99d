#include "tests/support/in_process_relay.h"

#include <stdexcept>

#include "common/log.h"

namespace telemaint::testing {

InProcessRelay::InProcessRelay(Deployment& d, const std::string& log_path,
                               const std::function<void(relay::RelayOptions&)>& adjust) {
  log::SetFile(log_path);
  relay::RelayOptions o;
  o.listen = "127.0.0.1:0";
  o.cert_file = d.dir() / "certs/relay.pem";
  o.key_file = d.dir() / "certs/relay.key";
  o.data_dir = d.data_dir();
  o.forward_tap = [this](std::string_view frame) {
    std::lock_guard lock(mu_);
    forwarded_.append(frame);
  };
  if (adjust) adjust(o);
  auto r = relay::Relay::Create(o);
  if (!r.ok()) throw std::runtime_error(r.status().message());
  relay_ = std::move(*r);
  d.set_relay_port(relay_->port());
  thread_ = std::thread([this] { relay_->Run(false); });
}

InProcessRelay::~InProcessRelay() {
  relay_->Shutdown();
  thread_.join();
  log::SetFile("");
}

std::string InProcessRelay::forwarded() {
  std::lock_guard lock(mu_);
  return forwarded_;
}

}  // namespace telemaint::testing
