// Where a link connects: a parsed `ws://` / `wss://` URL and an optional HTTP
// CONNECT proxy.
//
// URLs come from venue adapters and configuration, so a bad one is an input
// error reported as a value (errc::bad_url with a reason), never an exception.
// Parsing is done once per connection attempt with Boost.URL; the result is
// plain strings so the transport never re-parses or re-encodes.
//
// Thread safety: free functions and plain data; safe everywhere.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sf {

struct ws_endpoint {
  bool tls = false;        // wss://
  std::string host;        // a name or an address; IPv6 without brackets
  std::uint16_t port = 0;  // explicit or the scheme's default (80 / 443)
  std::string target;      // path and query as sent in the request line, at least "/"

  // The Host header value: the host (IPv6 in brackets), with the port only
  // when it is not the scheme's default, as RFC 9110 asks.
  std::string host_header() const;
  // True when `host` is an IP address literal (no SNI, IP-address verification).
  bool host_is_address() const;
};

struct proxy_endpoint {
  std::string host;
  std::uint16_t port = 0;
  std::string username;  // for Proxy-Authorization: Basic, empty when none
  std::string password;
};

// Parses `ws://host[:port]/path?query` or `wss://...`. On failure returns
// nullopt and sets `error` to a reason naming the problem. Fragments are
// dropped (they are never sent to a server).
std::optional<ws_endpoint> parse_ws_url(std::string_view url, std::string& error);

// Parses `http://[user:password@]host[:port]` (the default port is 8080, the
// conventional port of forward proxies, when none is given).
std::optional<proxy_endpoint> parse_proxy_url(std::string_view url, std::string& error);

}  // namespace sf
