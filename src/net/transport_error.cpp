#include "net/transport_error.hpp"

#include <fmt/format.h>
#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/websocket/error.hpp>

namespace sf {
namespace {

namespace asio = boost::asio;
namespace websocket = boost::beast::websocket;

bool is_reset(const boost::system::error_code& ec) noexcept {
  return ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::connection_aborted;
}

// A TLS peer that closed TCP without close_notify is, for a WebSocket, the same
// as a plain EOF: the close handshake did not happen either way.
bool is_eof(const boost::system::error_code& ec) noexcept {
  return ec == asio::error::eof || ec == asio::ssl::error::stream_truncated ||
         ec == boost::beast::http::error::end_of_stream;
}

errc classify(const boost::system::error_code& ec, link_stage stage) noexcept {
  switch (stage) {
    case link_stage::resolve:
      return errc::resolve_failed;
    case link_stage::connect:
      if (ec == asio::error::timed_out) return errc::connect_timeout;
      return errc::connect_refused;
    case link_stage::proxy:
      return errc::proxy_unavailable;
    case link_stage::tls:
      return errc::tls_handshake_failed;
    case link_stage::upgrade:
      if (is_reset(ec)) return errc::reset_by_peer;
      if (is_eof(ec)) return errc::eof;
      if (ec == websocket::error::closed) return errc::closed_by_peer;
      return errc::protocol_violation;
    case link_stage::stream:
      if (ec == websocket::error::closed) return errc::closed_by_peer;
      if (ec == websocket::error::message_too_big || ec == websocket::error::buffer_overflow)
        return errc::frame_too_large;
      if (is_reset(ec)) return errc::reset_by_peer;
      if (is_eof(ec)) return errc::eof;
      if (ec == websocket::condition::protocol_violation) return errc::protocol_violation;
      // Anything else the network says (a keepalive timeout, an unreachable
      // host) has ended the connection as surely as a reset.
      return errc::reset_by_peer;
  }
  return errc::protocol_violation;
}

}  // namespace

std::string_view to_string(link_stage s) noexcept {
  switch (s) {
    case link_stage::resolve:
      return "resolve";
    case link_stage::connect:
      return "connect";
    case link_stage::proxy:
      return "proxy";
    case link_stage::tls:
      return "tls handshake";
    case link_stage::upgrade:
      return "websocket upgrade";
    case link_stage::stream:
      return "stream";
  }
  return "unknown";
}

failure transport_failure(const boost::system::error_code& ec, link_stage stage,
                          std::string_view detail) {
  failure f;
  f.code = make_error_code(classify(ec, stage));
  if (detail.empty())
    f.detail = fmt::format("{}: {}", to_string(stage), ec.message());
  else
    f.detail = fmt::format("{}: {}: {}", to_string(stage), detail, ec.message());
  return f;
}

}  // namespace sf
