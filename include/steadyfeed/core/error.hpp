// steadyfeed's error codes and the conditions they fall into.
//
// Errors on I/O paths are values: `std::error_code` holding an `sf::errc`, in the
// style of Beast's websocket errors, where specific codes compare equal to broad
// conditions. The supervisor only asks the condition: `transient` errors are
// retried with backoff, `rate_limited` ones wait at least the server's
// Retry-After, and `fatal` ones (bad configuration, authentication rejected,
// unknown symbol, an HTTP 4xx on the upgrade) stop the connection in `failed`
// instead of feeding a retry storm that would get the IP banned.
#pragma once

#include <string>
#include <system_error>

#include "steadyfeed/core/clock.hpp"

namespace sf {

enum class errc {
  // transient: the network or the server, worth retrying
  connect_refused = 1,
  connect_timeout,
  resolve_failed,
  handshake_timeout,
  reset_by_peer,
  closed_by_peer,
  eof,
  pong_timeout,
  idle_timeout,
  data_frozen,
  server_error,        // HTTP 5xx on the upgrade, or a REST 5xx
  proxy_unavailable,   // proxy answered 5xx, or could not reach the target
  service_restart,     // the venue announced maintenance or a shutdown
  // rate limiting: retry, but no sooner than the server asks
  rate_limited,        // HTTP 429, or a venue rate-limit close code
  banned,              // HTTP 418 (Binance's IP ban)
  // fatal: retrying cannot help, a human must act
  bad_url,
  tls_verify_failed,
  tls_setup_failed,
  upgrade_rejected,    // HTTP 4xx other than 429/418 on the upgrade
  auth_rejected,
  proxy_refused,       // proxy answered 4xx (403, 407 ...)
  unknown_symbol,
  config_invalid,
  max_attempts_exceeded,
  // protocol: the peer broke the protocol; the connection is restarted
  frame_too_large,
  protocol_violation,
  malformed_frame,
  tls_handshake_failed,
};

// The broad classes that decide what the supervisor does.
enum class error_condition_kind { transient = 1, rate_limited, fatal, protocol };

const std::error_category& error_category() noexcept;
const std::error_category& error_condition_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), error_category()};
}
inline std::error_condition make_error_condition(error_condition_kind e) noexcept {
  return {static_cast<int>(e), error_condition_category()};
}

// Whether `ec` is worth retrying at all (everything except the fatal class).
bool is_retryable(const std::error_code& ec) noexcept;

// A failure as the transport saw it: the code, plus what the server said.
struct failure {
  std::error_code code;
  int http_status = 0;         // upgrade or proxy response status, 0 if none
  duration retry_after{0};     // from a Retry-After header, 0 if none
  int close_code = 0;          // WebSocket close code, 0 if none
  std::string detail;          // human-readable: what happened, with names

  static failure of(errc e, std::string detail = {}) {
    failure f;
    f.code = make_error_code(e);
    f.detail = std::move(detail);
    return f;
  }

  std::string to_string() const;
};

// The code for an HTTP status returned on a WebSocket upgrade.
errc classify_upgrade_status(int http_status) noexcept;

}  // namespace sf

namespace std {
template <>
struct is_error_code_enum<sf::errc> : true_type {};
template <>
struct is_error_condition_enum<sf::error_condition_kind> : true_type {};
}  // namespace std
