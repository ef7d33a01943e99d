#pragma once
// Asio/Beast names and the coroutine helpers of the networking code. Beast and Asio are slow to
// compile, so this is included from .cc files and from headers whose interface is itself a
// coroutine (net/, peer/, relay/core.h, the host's ConsentUi), never from the headers a
// program's main.cc includes (relay/relay.h, host/host_agent.h, viewer/viewer_app.h).
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

// GCC 12 destroys a temporary twice when it is part of a co_await expression: a Frame built
// in `co_await conn.Send(Frame{...})`, a lambda in `co_await tunnel.Run([...] {...})` (a
// use-after-free seen here; ../shared/DEPENDENCY-NOTES.md). So coroutines take their
// arguments by value, and a call with temporaries starts the coroutine in a statement of its
// own, then awaits the task:
//   auto run = tunnel.Run([&]() -> ... { ... }, nullptr);
//   Ending end = co_await std::move(run);
// Named arguments (`co_await conn.Send(std::move(frame))`) are fine as they are. For the same
// compiler, a result is also taken into a named local before it is tested (`bool sent =
// co_await ...; if (!sent)`): `while (...) { if (!co_await SleepFor(t)) break; ... }` read an
// uninitialised value and hit an invalid resume point here (valgrind, SIGILL).

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
