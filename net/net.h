#pragma once
// Asio/Beast names used by the networking code. Include only from .cc files and from headers
// that are themselves network internals (never from a public library header).
#include <utility>  // before Asio's awaitable headers (Boost 1.74)

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

namespace telemaint::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using WsStream = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;
using beast::error_code;
// Completion token that stores the error in `ec` instead of throwing (Boost 1.74 has no
// as_tuple).
inline auto Nothrow(error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

// A level-triggered event for coroutines on one thread: Wait() returns once Set() was called.
class AsyncEvent {
 public:
  // The timer never expires; cancel() wakes every pending wait. Re-arming it with
  // expires_at() would cancel the other waiters, so it is set once here.
  explicit AsyncEvent(asio::any_io_executor ex)
      : timer_(ex, asio::steady_timer::time_point::max()) {}
  asio::awaitable<void> Wait() {
    error_code ec;
    while (!set_) co_await timer_.async_wait(Nothrow(ec));
  }
  void Set() {
    set_ = true;
    timer_.cancel();
  }
  // Wakes current waiters without latching (they re-check their own condition).
  void Notify() { timer_.cancel(); }
  asio::awaitable<void> WaitNotified() {
    error_code ec;
    co_await timer_.async_wait(Nothrow(ec));
  }
  bool is_set() const { return set_; }

 private:
  asio::steady_timer timer_;
  bool set_ = false;
};

// Sleeps; returns false if cancelled.
inline asio::awaitable<bool> SleepFor(std::chrono::steady_clock::duration d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  error_code ec;
  co_await t.async_wait(Nothrow(ec));
  co_return !ec;
}

}  // namespace telemaint::net
