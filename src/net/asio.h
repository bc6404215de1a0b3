// The one place that includes Boost.Asio, with the fixes it needs under our
// compilers (g++ 12 wants <utility> before awaitable.hpp). Include this, not
// boost/asio directly.
#pragma once

#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace strata::net {
namespace asio = boost::asio;
using tcp = boost::asio::ip::tcp;
template <class T = void>
using Awaitable = boost::asio::awaitable<T>;
}  // namespace strata::net
