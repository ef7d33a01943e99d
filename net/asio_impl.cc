// The one translation unit that compiles Asio, Asio SSL and Beast (separate compilation keeps
// the 2-core build fast). Nothing else goes here.
#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without including it

#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
