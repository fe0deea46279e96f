// Resetting a connection: an abortive close (linger 0), so the peer sees a
// TCP RST rather than an orderly FIN, as from a venue that drops it.
//
// Thread safety: on the socket's I/O thread.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/stream_traits.hpp>

namespace sf::sim {

inline void reset_socket(boost::asio::ip::tcp::socket& sock) {
  boost::beast::error_code ec;
  sock.set_option(boost::asio::socket_base::linger(true, 0), ec);
  sock.close(ec);
}

// Any stream over a tcp_stream: resets its socket.
template <class Stream>
void reset_socket(Stream& s) {
  reset_socket(boost::beast::get_lowest_layer(s).socket());
}

}  // namespace sf::sim
