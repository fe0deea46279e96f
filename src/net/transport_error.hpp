// Translating Asio, OpenSSL and Beast error codes into steadyfeed failures.
//
// The supervisor decides what to do from sf::errc and its condition alone
// (retry, wait, give up), so this table is where transport behaviour becomes
// policy: a refused TCP connect is transient, a certificate that does not verify
// is fatal, a peer that broke the WebSocket protocol is a protocol error. The
// same system error means different things at different stages (a reset during
// the proxy exchange is the proxy's fault), hence the stage argument.
//
// Thread safety: pure functions.
#pragma once

#include <string_view>

#include <boost/system/error_code.hpp>

#include "steadyfeed/core/error.hpp"

namespace sf {

enum class link_stage : std::uint8_t {
  resolve,  // name resolution
  connect,  // TCP connect to the server
  proxy,    // TCP connect to the proxy, the CONNECT exchange
  tls,      // TLS handshake
  upgrade,  // WebSocket upgrade request/response
  stream,   // reading or writing an open WebSocket
};

std::string_view to_string(link_stage s) noexcept;

// The failure for an error at `stage`. `detail` is prefixed to the system
// message (e.g. the host and port).
failure transport_failure(const boost::system::error_code& ec, link_stage stage,
                          std::string_view detail = {});

}  // namespace sf
