#include "steadyfeed/feed/heartbeat.hpp"

#include <algorithm>

namespace sf {

void heartbeat::start(time_point now) noexcept {
  next_ws_ping_ = settings_.ws_ping_interval.count() > 0 ? now + settings_.ws_ping_interval : never;
  next_app_ping_ = settings_.app_ping_interval.count() > 0 ? now + settings_.app_ping_interval : never;
  ws_pong_deadline_ = never;
  app_pong_deadline_ = never;
}

std::optional<heartbeat::missed> heartbeat::expired(time_point now) const noexcept {
  if (ws_pong_deadline_ <= now) return missed::ws_pong;
  if (app_pong_deadline_ <= now) return missed::app_pong;
  return std::nullopt;
}

std::string_view heartbeat::send_ws_ping(time_point now) {
  ws_ping_payload_ = std::to_string(++ws_ping_counter_);
  ws_ping_sent_ = now;
  ws_pong_deadline_ = now + settings_.pong_timeout;
  next_ws_ping_ = never;
  return ws_ping_payload_;
}

bool heartbeat::app_ping_due(time_point now, time_point last_rx) noexcept {
  if (next_app_ping_ > now || app_pong_deadline_ != never) return false;
  const time_point idle_due = last_rx + settings_.app_ping_interval;
  if (settings_.app_ping_when_idle && idle_due > now) {
    next_app_ping_ = idle_due;
    return false;
  }
  return true;
}

void heartbeat::send_app_ping(time_point now) noexcept {
  app_ping_sent_ = now;
  app_pong_deadline_ = now + settings_.pong_timeout;
  next_app_ping_ = never;
}

std::optional<duration> heartbeat::on_ws_pong(std::string_view payload, time_point now) noexcept {
  if (ws_pong_deadline_ == never || payload != ws_ping_payload_) return std::nullopt;
  ws_pong_deadline_ = never;
  next_ws_ping_ = ws_ping_sent_ + settings_.ws_ping_interval;
  return now - ws_ping_sent_;
}

std::optional<duration> heartbeat::on_app_pong(time_point now) noexcept {
  if (app_pong_deadline_ == never) return std::nullopt;
  app_pong_deadline_ = never;
  next_app_ping_ = app_ping_sent_ + settings_.app_ping_interval;
  return now - app_ping_sent_;
}

time_point heartbeat::next_deadline() const noexcept {
  return std::min({next_ws_ping_, ws_pong_deadline_, next_app_ping_, app_pong_deadline_});
}

}  // namespace sf
