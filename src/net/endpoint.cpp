#include "steadyfeed/net/endpoint.hpp"

#include <fmt/format.h>
#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace sf {
namespace {

namespace urls = boost::urls;

// The host as a socket API wants it: decoded, IPv6 without brackets.
std::string host_of(const urls::url_view& u) {
  if (u.host_type() == urls::host_type::ipv6) return u.host_ipv6_address().to_string();
  return u.host_address();
}

// Ports are parsed by hand because Boost.URL accepts any digit string and
// port_number() silently yields 0 for values that do not fit 16 bits.
bool port_of(const urls::url_view& u, std::uint16_t fallback, std::uint16_t& port,
             std::string& error) {
  if (!u.has_port() || u.port().empty()) {
    port = fallback;
    return true;
  }
  std::uint32_t value = 0;
  for (char c : u.port()) {
    value = value * 10 + static_cast<std::uint32_t>(c - '0');
    if (value > 65535) break;
  }
  if (value == 0 || value > 65535) {
    error = fmt::format("port {} is out of range", std::string_view(u.port()));
    return false;
  }
  port = static_cast<std::uint16_t>(value);
  return true;
}

}  // namespace

std::string ws_endpoint::host_header() const {
  const bool v6 = host.find(':') != std::string::npos;
  const bool default_port = port == (tls ? 443 : 80);
  if (v6) return default_port ? fmt::format("[{}]", host) : fmt::format("[{}]:{}", host, port);
  return default_port ? host : fmt::format("{}:{}", host, port);
}

bool ws_endpoint::host_is_address() const {
  boost::system::error_code ec;
  (void)boost::asio::ip::make_address(host, ec);
  return !ec;
}

std::optional<ws_endpoint> parse_ws_url(std::string_view url, std::string& error) {
  auto parsed = urls::parse_uri(url);
  if (!parsed) {
    error = fmt::format("'{}' is not a URL: {}", url, parsed.error().message());
    return std::nullopt;
  }
  const urls::url_view& u = *parsed;
  ws_endpoint out;
  if (u.scheme_id() == urls::scheme::wss) {
    out.tls = true;
  } else if (u.scheme_id() != urls::scheme::ws) {
    error =
        fmt::format("'{}': scheme must be ws or wss, not '{}'", url, std::string_view(u.scheme()));
    return std::nullopt;
  }
  if (!u.has_authority() || u.encoded_host().empty()) {
    error = fmt::format("'{}' has no host", url);
    return std::nullopt;
  }
  if (u.has_userinfo()) {
    // Credentials in a WebSocket URL would be sent nowhere; refusing them keeps
    // a secret from sitting unnoticed in logs and events.
    error = fmt::format("'{}': credentials in a WebSocket URL are not supported", url);
    return std::nullopt;
  }
  out.host = host_of(u);
  if (!port_of(u, out.tls ? 443 : 80, out.port, error)) {
    error = fmt::format("'{}': {}", url, error);
    return std::nullopt;
  }
  const std::string_view target = u.encoded_target();
  if (target.empty() || target.front() != '/') out.target.push_back('/');
  out.target.append(target);
  return out;
}

std::optional<proxy_endpoint> parse_proxy_url(std::string_view url, std::string& error) {
  auto parsed = urls::parse_uri(url);
  if (!parsed) {
    error = fmt::format("proxy '{}' is not a URL: {}", url, parsed.error().message());
    return std::nullopt;
  }
  const urls::url_view& u = *parsed;
  if (u.scheme_id() != urls::scheme::http) {
    error = fmt::format("proxy '{}': scheme must be http", url);
    return std::nullopt;
  }
  if (!u.has_authority() || u.encoded_host().empty()) {
    error = fmt::format("proxy '{}' has no host", url);
    return std::nullopt;
  }
  proxy_endpoint out;
  out.host = host_of(u);
  if (!port_of(u, 8080, out.port, error)) {
    error = fmt::format("proxy '{}': {}", url, error);
    return std::nullopt;
  }
  if (u.has_userinfo()) {
    out.username = u.user();
    out.password = u.password();
  }
  return out;
}

}  // namespace sf
