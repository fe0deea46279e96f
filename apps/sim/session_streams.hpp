// The Beast layer's vocabulary: the two streams the sessions run over (plain
// TCP and TLS, each compiled in its own file: serve.hpp), the HTTP request
// every session starts from, and the sessions' completion handlers.
//
// Thread safety: types only.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/stream_fwd.hpp>
#include <cstddef>
#include <functional>

namespace sf::sim {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using plain_stream = beast::tcp_stream;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;
using request = http::request<http::string_body>;
// The sessions' completion handlers, type-erased: Beast instantiates each
// operation, and over TLS each layer under it, once per handler type, so
// erased handlers compile each operation once per stream instead of once per
// lambda. That halves the sessions' compile time, for one small allocation
// per operation.
using io_handler = std::function<void(beast::error_code, std::size_t)>;
using done_handler = std::function<void(beast::error_code)>;

}  // namespace sf::sim
