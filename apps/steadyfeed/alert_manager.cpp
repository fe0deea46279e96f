#include "alert_manager.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace sf::daemon {

alert_manager::alert_manager(alert_settings settings, const clock& clock)
    : settings_(std::move(settings)), clock_(clock) {}

void alert_manager::add_channel(alert_level least, channel c) { channels_.emplace_back(least, std::move(c)); }

void alert_manager::on_event(std::string_view connection, const event& e) {
  const wall_us t = e.time ? e.time : clock_.wall_now();
  std::string subject(connection);
  if (subject.starts_with("sink ")) {
    if (e.kind == event_kind::error) raise(alert_type::sink_error, alert_level::critical, std::move(subject), e.reason, t);
    return;
  }
  switch (e.kind) {
    case event_kind::reconnect_attempt:
      raise(alert_type::reconnect_attempt, alert_level::info, std::move(subject), e.reason, t);
      break;
    case event_kind::reconnect_success:
      raise(alert_type::reconnect_success, alert_level::info, std::move(subject),
            fmt::format("live again after {} ms", std::chrono::duration_cast<milliseconds>(e.latency).count()), t);
      break;
    case event_kind::reconnect_failed:
      raise(alert_type::reconnect_failure,
            e.attempt >= settings_.alert_threshold ? alert_level::warning : alert_level::info, std::move(subject),
            fmt::format("attempt {} failed: {}", e.attempt, e.reason), t);
      break;
    case event_kind::retries_exhausted:
      raise(alert_type::max_retries_exceeded, alert_level::critical, std::move(subject), e.reason, t);
      break;
    case event_kind::disconnected:
      // Warnings only: a planned close (rotation, a reconnect asked for, a
      // stop) is said at a lower severity and is no alert.
      if (e.level >= severity::warning)
        raise(alert_type::connection_lost, alert_level::warning, std::move(subject), e.reason, t);
      break;
    case event_kind::error:
      // A fatal error ends the connection (go_failed): nothing retries it.
      if (e.level == severity::critical)
        raise(alert_type::connection_failed, alert_level::critical, std::move(subject), e.reason, t);
      break;
    case event_kind::stream_stale:
      raise(alert_type::feed_stale, alert_level::warning, std::move(subject), e.reason, t);
      break;
    default:
      break;
  }
}

void alert_manager::on_gap(const gap_record& gap) {
  raise(alert_type::gap_unrecovered, alert_level::warning, fmt::format("{} {} {}", gap.venue, gap.channel, gap.symbol),
        fmt::format("{} to {} not recovered: {}", gap.from, gap.to, gap.reason),
        gap.ts_recv ? gap.ts_recv : clock_.wall_now());
}

void alert_manager::raise(alert_type type, alert_level level, std::string subject, std::string message, wall_us time) {
  alert a;
  {
    std::lock_guard lock(mutex_);
    auto& r = repeats_[{type, level, subject}];
    if (r.last != 0 && time - r.last < std::chrono::duration_cast<microseconds>(settings_.suppress).count()) {
      ++r.held;
      return;
    }
    a.id = next_id_++;
    a.time = time;
    a.type = type;
    a.level = level;
    a.subject = std::move(subject);
    a.message = std::move(message);
    a.suppressed = r.held;
    r.last = time;
    r.held = 0;
    history_.push_back(a);
    while (history_.size() > settings_.history) history_.pop_front();
  }
  for (const auto& [least, c] : channels_)
    if (a.level >= least) c(a);
}

std::vector<alert> alert_manager::history(const alert_filter& f) const {
  std::vector<alert> out;
  std::lock_guard lock(mutex_);
  for (const auto& a : history_) {
    if (f.least && a.level < *f.least) continue;
    if (f.type && a.type != *f.type) continue;
    if (!f.subject.empty() && a.subject != f.subject) continue;
    if (a.time < f.since) continue;
    out.push_back(a);
  }
  if (out.size() > f.limit) out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(f.limit));
  return out;
}

std::uint64_t alert_manager::raised() const {
  std::lock_guard lock(mutex_);
  return next_id_ - 1;
}

}  // namespace sf::daemon
