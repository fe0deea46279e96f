#include "alert.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <array>

#include "log_line.hpp"

namespace sf::daemon {

namespace {

constexpr std::array<std::string_view, 9> type_names{
    "reconnect_attempt", "reconnect_success", "reconnect_failure", "max_retries_exceeded", "connection_lost",
    "gap_unrecovered",   "feed_stale",        "sink_error",        "connection_failed"};
constexpr std::array<std::string_view, 3> level_names{"info", "warning", "critical"};

}  // namespace

std::string_view to_string(alert_type t) noexcept { return type_names[static_cast<std::size_t>(t)]; }
std::string_view to_string(alert_level l) noexcept { return level_names[static_cast<std::size_t>(l)]; }

std::optional<alert_level> parse_alert_level(std::string_view text) noexcept {
  for (std::size_t i = 0; i < level_names.size(); ++i)
    if (level_names[i] == text) return static_cast<alert_level>(i);
  return std::nullopt;
}

std::optional<alert_type> parse_alert_type(std::string_view text) noexcept {
  for (std::size_t i = 0; i < type_names.size(); ++i)
    if (type_names[i] == text) return static_cast<alert_type>(i);
  return std::nullopt;
}

boost::json::object to_json_object(const alert& a) {
  return {{"id", a.id},
          {"time", utc_text(a.time)},
          {"time_us", a.time},
          {"type", to_string(a.type)},
          {"level", to_string(a.level)},
          {"subject", a.subject},
          {"message", a.message},
          {"suppressed", a.suppressed}};
}

std::string to_json(const alert& a) { return boost::json::serialize(to_json_object(a)); }

}  // namespace sf::daemon
