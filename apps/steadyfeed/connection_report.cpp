#include "connection_report.hpp"

#include <fmt/format.h>

#include <chrono>

namespace sf::daemon {

namespace {

std::string short_duration(duration d) {
  using namespace std::chrono;
  const auto ms = duration_cast<milliseconds>(d).count();
  if (ms < 1000) return fmt::format("{}ms", ms);
  const auto s = ms / 1000;
  if (s < 120) return fmt::format("{}s", s);
  if (s < 7200) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, s / 60 % 60);
}

std::string stability(const supervisor_stats& c) {
  if (c.state == connection_state::unstable) return "unstable";
  const int n = c.quality.reconnects_last_hour;
  if (n == 0) return "stable";
  return fmt::format("{} reconnect{} in the last hour", n, n == 1 ? "" : "s");
}

std::string success_rate(const supervisor_counters& k) {
  if (k.reconnect_attempts == 0) return "none needed";
  return fmt::format("{:.0f}% succeeded",
                     100.0 * static_cast<double>(k.reconnect_successes) / static_cast<double>(k.reconnect_attempts));
}

}  // namespace

std::vector<std::string> connection_report(const std::vector<feed_stats>& feeds) {
  std::vector<std::string> out;
  for (const auto& f : feeds)
    for (const auto& c : f.connections) {
      const auto& q = c.quality;
      const auto& k = c.counters;
      out.push_back(fmt::format(
          "{} {}: score {}; ping avg {} p99 {}; {}; errors {:.1f}/min; connections {}, disconnections {}; "
          "reconnect attempts {}, {}; uptime {:.2f}%, down {} in all",
          c.name, to_string(c.state), q.score, short_duration(q.rtt_avg), short_duration(q.rtt_p99), stability(c),
          q.errors_per_minute, k.connects, k.disconnects, k.reconnect_attempts, success_rate(k), q.uptime_percent,
          short_duration(q.down_total)));
    }
  return out;
}

}  // namespace sf::daemon
