// An alert: what the daemon tells an operator, typed and levelled, as the
// API serves it, the log prints it and a webhook receives it.
//
// Plain data; thread safety as for any value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "steadyfeed/core/clock.hpp"

namespace sf::daemon {

enum class alert_type : std::uint8_t {
  reconnect_attempt,
  reconnect_success,
  reconnect_failure,
  max_retries_exceeded,
  connection_lost,
  gap_unrecovered,
  feed_stale,
  sink_error,
  connection_failed,  // a fatal error (auth rejected, an unknown symbol): failed, not retried
};

enum class alert_level : std::uint8_t { info, warning, critical };

std::string_view to_string(alert_type t) noexcept;
std::string_view to_string(alert_level l) noexcept;
std::optional<alert_level> parse_alert_level(std::string_view text) noexcept;
std::optional<alert_type> parse_alert_type(std::string_view text) noexcept;

struct alert {
  std::uint64_t id = 0;       // 1, 2, … in the order raised
  wall_us time = 0;
  alert_type type = alert_type::reconnect_attempt;
  alert_level level = alert_level::info;
  std::string subject;        // a connection ("okx/0"), a stream ("okx trades BTC-USDT") or a sink
  std::string message;
  std::uint64_t suppressed = 0;  // repeats of the same type and subject not raised before this one
};

// {"id":..,"time":"RFC 3339","time_us":..,"type":..,"level":..,"subject":..,"message":..,"suppressed":..}
boost::json::object to_json_object(const alert& a);
std::string to_json(const alert& a);

}  // namespace sf::daemon
