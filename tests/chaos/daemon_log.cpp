#include "chaos/daemon_log.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>

namespace sf::chaos {
namespace {

// "2026-12-02T09:30:00.123Z" → µs since the epoch.
std::optional<std::int64_t> parse_utc(std::string_view t) {
  if (t.size() != 24 || t[4] != '-' || t[10] != 'T' || t[19] != '.' || t[23] != 'Z')
    return std::nullopt;
  const auto num = [&](std::size_t at, std::size_t len) {
    int v = -1;
    std::from_chars(t.data() + at, t.data() + at + len, v);
    return v;
  };
  std::tm tm{};
  tm.tm_year = num(0, 4) - 1900;
  tm.tm_mon = num(5, 2) - 1;
  tm.tm_mday = num(8, 2);
  tm.tm_hour = num(11, 2);
  tm.tm_min = num(14, 2);
  tm.tm_sec = num(17, 2);
  const int ms = num(20, 3);
  if (ms < 0) return std::nullopt;
  return static_cast<std::int64_t>(timegm(&tm)) * 1'000'000 + ms * 1000;
}

}  // namespace

std::vector<log_event> read_events(std::string_view log) {
  std::vector<log_event> out;
  constexpr std::string_view marker = " steadyfeed: ";
  while (!log.empty()) {
    const auto end = log.find('\n');
    std::string_view line = log.substr(0, end);
    log.remove_prefix(end == std::string_view::npos ? log.size() : end + 1);
    if (line.size() < 24 + marker.size() || line.substr(24, marker.size()) != marker) continue;
    const auto when = parse_utc(line.substr(0, 24));
    if (!when) continue;
    line.remove_prefix(24 + marker.size());
    // "<connection> <kind>: <reason>", the connection being one word ("okx/0")
    // or "sink <name>".
    std::size_t space = line.find(' ');
    if (line.starts_with("sink ")) space = line.find(' ', 5);
    if (space == std::string_view::npos) continue;
    const auto colon = line.find(": ", space + 1);
    if (colon == std::string_view::npos) continue;
    const std::string_view kind = line.substr(space + 1, colon - space - 1);
    if (kind.empty() || kind.find(' ') != std::string_view::npos) continue;
    out.push_back({*when, std::string(line.substr(0, space)), std::string(kind),
                   std::string(line.substr(colon + 2))});
  }
  return out;
}

bool is_detection(const log_event& e) {
  if (e.kind == "state_changed")
    return e.reason.find("-> reconnecting") != std::string::npos ||
           e.reason.find("-> unstable") != std::string::npos ||
           e.reason.find("-> failed") != std::string::npos;
  return e.kind == "disconnected" || e.kind == "heartbeat_timeout" ||
         e.kind == "reconnect_attempt" || e.kind == "reconnect_failed" || e.kind == "error" ||
         e.kind == "stream_stale" || e.kind == "gap_detected" || e.kind == "resync" ||
         e.kind == "rotation_started" || e.kind == "quality_degraded";
}

bool is_recovery(const log_event& e) {
  if (e.kind == "state_changed") return e.reason.find("-> connected") != std::string::npos;
  return e.kind == "rotation_completed" || e.kind == "stream_resumed";
}

reaction react(const std::vector<log_event>& events, std::int64_t fault_us, std::int64_t stop_us) {
  reaction r;
  for (const auto& e : events) {
    // Log times are whole milliseconds: an event in the fault's millisecond counts.
    if (e.wall_us < fault_us - fault_us % 1000 || e.wall_us >= stop_us) continue;
    if (!r.detected_us && is_detection(e)) {
      r.detected_us = std::max<std::int64_t>(0, e.wall_us - fault_us);
      r.detected_by = e.connection + " " + e.kind;
    }
    if (r.detected_us && is_recovery(e))
      r.recovered_us = std::max<std::int64_t>(0, e.wall_us - fault_us);
  }
  return r;
}

}  // namespace sf::chaos
