#include "steadyfeed/core/error.hpp"

#include <fmt/format.h>

namespace sf {
namespace {

error_condition_kind kind_of(errc e) noexcept {
  switch (e) {
    case errc::rate_limited:
    case errc::banned:
      return error_condition_kind::rate_limited;
    case errc::bad_url:
    case errc::tls_verify_failed:
    case errc::tls_setup_failed:
    case errc::upgrade_rejected:
    case errc::auth_rejected:
    case errc::proxy_refused:
    case errc::unknown_symbol:
    case errc::config_invalid:
    case errc::max_attempts_exceeded:
      return error_condition_kind::fatal;
    case errc::frame_too_large:
    case errc::protocol_violation:
    case errc::malformed_frame:
    case errc::tls_handshake_failed:
      return error_condition_kind::protocol;
    default:
      return error_condition_kind::transient;
  }
}

class category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "steadyfeed"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::connect_refused: return "connection refused";
      case errc::connect_timeout: return "connect timed out";
      case errc::resolve_failed: return "host name resolution failed";
      case errc::handshake_timeout: return "handshake timed out";
      case errc::reset_by_peer: return "connection reset by peer";
      case errc::closed_by_peer: return "connection closed by peer";
      case errc::eof: return "connection ended without a close frame";
      case errc::pong_timeout: return "no pong before the deadline";
      case errc::idle_timeout: return "no data before the idle timeout";
      case errc::data_frozen: return "every active stream went stale";
      case errc::server_error: return "server error";
      case errc::proxy_unavailable: return "proxy could not open the tunnel";
      case errc::service_restart: return "venue announced a restart";
      case errc::rate_limited: return "rate limited by the server";
      case errc::banned: return "IP banned by the server";
      case errc::bad_url: return "malformed URL";
      case errc::tls_verify_failed: return "TLS certificate verification failed";
      case errc::tls_setup_failed: return "TLS could not be set up";
      case errc::upgrade_rejected: return "WebSocket upgrade rejected";
      case errc::auth_rejected: return "authentication rejected";
      case errc::proxy_refused: return "proxy refused the tunnel";
      case errc::unknown_symbol: return "unknown symbol";
      case errc::config_invalid: return "invalid configuration";
      case errc::max_attempts_exceeded: return "maximum reconnect attempts exceeded";
      case errc::frame_too_large: return "frame larger than the limit";
      case errc::protocol_violation: return "protocol violation";
      case errc::malformed_frame: return "malformed frame";
      case errc::tls_handshake_failed: return "TLS handshake failed";
    }
    return "unknown steadyfeed error";
  }
  std::error_condition default_error_condition(int ev) const noexcept override {
    return make_error_condition(kind_of(static_cast<errc>(ev)));
  }
};

class condition_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "steadyfeed-condition"; }
  std::string message(int ev) const override {
    switch (static_cast<error_condition_kind>(ev)) {
      case error_condition_kind::transient: return "transient";
      case error_condition_kind::rate_limited: return "rate limited";
      case error_condition_kind::fatal: return "fatal";
      case error_condition_kind::protocol: return "protocol";
    }
    return "unknown";
  }
};

}  // namespace

const std::error_category& error_category() noexcept {
  static const category_impl instance;
  return instance;
}

const std::error_category& error_condition_category() noexcept {
  static const condition_category_impl instance;
  return instance;
}

bool is_retryable(const std::error_code& ec) noexcept {
  return ec != error_condition_kind::fatal;
}

errc classify_upgrade_status(int http_status) noexcept {
  if (http_status == 429) return errc::rate_limited;
  if (http_status == 418) return errc::banned;
  if (http_status == 401 || http_status == 403) return errc::auth_rejected;
  if (http_status >= 400 && http_status < 500) return errc::upgrade_rejected;
  if (http_status >= 500) return errc::server_error;
  return errc::protocol_violation;  // 1xx/2xx/3xx other than 101 is not a WebSocket
}

std::string failure::to_string() const {
  std::string out = code.message();
  if (http_status != 0) out += fmt::format(" (HTTP {})", http_status);
  if (close_code != 0) out += fmt::format(" (close code {})", close_code);
  if (retry_after.count() > 0)
    out += fmt::format(" (retry after {} ms)",
                       std::chrono::duration_cast<milliseconds>(retry_after).count());
  if (!detail.empty()) out += ": " + detail;
  return out;
}

}  // namespace sf
