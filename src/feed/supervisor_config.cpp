#include "steadyfeed/feed/supervisor_config.hpp"

#include <fmt/format.h>

namespace sf {

std::vector<std::string> supervisor_config::validate() const {
  std::vector<std::string> problems;
  auto positive = [&](duration d, std::string_view field) {
    if (d.count() <= 0) problems.push_back(fmt::format("{} must be greater than zero", field));
  };
  auto not_negative = [&](duration d, std::string_view field) {
    if (d.count() < 0) problems.push_back(fmt::format("{} must not be negative", field));
  };
  if (const char* why = backoff.validate()) problems.emplace_back(why);
  positive(connect_timeout, "connect_timeout");
  not_negative(idle_timeout, "idle_timeout");
  if (!(stale_factor > 0)) problems.emplace_back("stale_factor must be greater than zero");
  positive(stale_min, "stale_min");
  if (stale_max < stale_min) problems.emplace_back("stale_max must be at least stale_min");
  for (const auto& [stream, after] : stale_overrides)
    positive(after, fmt::format("stale_overrides.{}", stream));
  not_negative(rotation_margin, "rotation_margin");
  if (lifetime) positive(*lifetime, "lifetime");
  positive(overlap_timeout, "overlap_timeout");
  positive(overlap_active_window, "overlap_active_window");
  if (overlap_buffer_messages == 0)
    problems.emplace_back("overlap_buffer_messages must be greater than zero");
  if (overlap_buffer_bytes == 0) problems.emplace_back("overlap_buffer_bytes must be greater than zero");
  positive(dedup_window, "dedup_window");
  positive(ack_timeout, "ack_timeout");
  if (ack_retries < 0) problems.emplace_back("ack_retries must not be negative");
  if (!(control_rate_safety > 0 && control_rate_safety <= 1))
    problems.emplace_back("control_rate_safety must be in (0, 1]");
  if (ws_ping_interval) not_negative(*ws_ping_interval, "ws_ping_interval");
  if (app_ping_interval) not_negative(*app_ping_interval, "app_ping_interval");
  if (pong_timeout) positive(*pong_timeout, "pong_timeout");
  if (!(late_pong_fraction > 0 && late_pong_fraction <= 1))
    problems.emplace_back("late_pong_fraction must be in (0, 1]");
  if (unstable_below < 0 || unstable_below > 100)
    problems.emplace_back("unstable_below must be between 0 and 100");
  else if (stable_at < unstable_below || stable_at > 100)
    problems.emplace_back("stable_at must be between unstable_below and 100");
  if (reconnect_cluster < 1) problems.emplace_back("reconnect_cluster must be at least 1");
  positive(reconnect_cluster_window, "reconnect_cluster_window");
  positive(housekeeping_interval, "housekeeping_interval");
  positive(health_check_interval, "health_check_interval");
  if (journal_capacity == 0) problems.emplace_back("journal_capacity must be greater than zero");
  return problems;
}

namespace {

// The values every profile sets (supervisor_config.hpp).
struct profile_values {
  int max_retries;
  duration initial_delay;
  duration max_delay;
  double multiplier;
  double jitter;
  duration health_check_interval;
  duration connection_timeout;
  duration ping_interval;
  duration pong_timeout;
  int max_consecutive_failures;
};

supervisor_config with(const profile_values& v) {
  supervisor_config c;
  c.backoff.max_attempts = v.max_retries;
  c.backoff.initial = v.initial_delay;
  c.backoff.max = v.max_delay;
  c.backoff.multiplier = v.multiplier;
  c.backoff.jitter = jitter_mode::proportional;
  c.backoff.jitter_fraction = v.jitter;
  c.health_check_interval = v.health_check_interval;
  c.connect_timeout = v.connection_timeout;
  c.ws_ping_interval = v.ping_interval;
  c.pong_timeout = v.pong_timeout;
  c.reconnect_cluster = v.max_consecutive_failures;
  return c;
}

}  // namespace

std::optional<supervisor_config> supervisor_config::profile(std::string_view name) {
  if (name == "production")
    return with({10, seconds{1}, minutes{5}, 2.0, 0.1, seconds{30}, seconds{30}, seconds{30}, seconds{10}, 5});
  if (name == "development") {
    auto c = with({5, seconds{1}, minutes{1}, 2.0, 0.1, seconds{30}, seconds{30}, seconds{30}, seconds{10}, 3});
    c.idle_timeout = seconds{30};
    c.overlap_timeout = seconds{10};
    c.ack_timeout = seconds{5};
    return c;
  }
  if (name == "high-load") {
    auto c = with({15, milliseconds{500}, minutes{10}, 1.5, 0.2, seconds{15}, seconds{15}, seconds{15},
                   seconds{5}, 10});
    c.overlap_buffer_messages = 2'000'000;
    c.overlap_buffer_bytes = std::size_t{1} << 30;
    c.overlap_timeout = seconds{60};
    c.stale_min = seconds{10};
    c.stale_min_messages = 100;
    c.journal_capacity = 500;
    return c;
  }
  return std::nullopt;
}

const std::vector<std::string_view>& supervisor_config::profile_names() {
  static const std::vector<std::string_view> names{"development", "production", "high-load"};
  return names;
}

}  // namespace sf
