// The client half of the WebSocket opening handshake (RFC 6455 §4.1), without
// I/O: the upgrade request, and the verdict on the server's response.
//
// The link performs the upgrade itself with Beast's HTTP layer instead of
// Beast's WebSocket stream because it reads frames itself afterwards: bytes
// that arrive right behind the 101 response must end up in the link's own
// buffer, not in a stream it no longer uses.
//
// A refusal is classified here as the supervisor needs it: the HTTP status
// decides the error code (5xx transient, 429/418 rate limited, other 4xx
// fatal), Retry-After says how long to wait, and the start of the body, where
// venues explain themselves ("IP banned until ..."), goes into the detail.
//
// Thread safety: pure functions, except make_ws_key, which draws from
// OpenSSL's thread-safe generator.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "steadyfeed/core/error.hpp"
#include "steadyfeed/net/endpoint.hpp"

namespace sf {

using ws_upgrade_request = boost::beast::http::request<boost::beast::http::empty_body>;
using ws_upgrade_response = boost::beast::http::response<boost::beast::http::string_body>;

// A Sec-WebSocket-Key: 16 random bytes in base64.
std::string make_ws_key();

// The Sec-WebSocket-Accept a server must answer `key` with:
// base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")).
std::string ws_accept_for(std::string_view key);

// GET `endpoint.target` with Host, Upgrade, Connection, Sec-WebSocket-Key and
// Sec-WebSocket-Version: 13, then User-Agent and `headers`, which replace a
// field of the same name.
ws_upgrade_request make_upgrade_request(
    const ws_endpoint& endpoint, std::string_view key, std::string_view user_agent,
    const std::vector<std::pair<std::string, std::string>>& headers);

// Nothing when `response` accepts the upgrade requested with `key`; otherwise
// the failure to report: a refusal (any status but 101) classified by status,
// or errc::protocol_violation for a 101 that does not complete the handshake.
// `where` names the endpoint (host and target) in the detail.
std::optional<failure> check_upgrade_response(const ws_upgrade_response& response,
                                              std::string_view key, std::string_view where);

}  // namespace sf
