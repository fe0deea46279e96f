// The entry points into the Beast sessions, one per stream type: each serves
// one accepted socket (HTTP, then maybe a WebSocket upgrade) until it closes.
// They are compiled in separate files (plain_sessions.cpp, tls_sessions.cpp)
// because instantiating the sessions for both streams in one file made it the
// slowest file of the project to compile.
//
// Thread safety: call on the server's I/O thread.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "sim/server.hpp"

namespace sf::sim {

void serve_plain(boost::asio::ip::tcp::socket sock, std::shared_ptr<server::impl> srv);
// `ctx` must outlive the session (it is the server's).
void serve_tls(boost::asio::ip::tcp::socket sock, boost::asio::ssl::context& ctx, std::shared_ptr<server::impl> srv);

}  // namespace sf::sim
