#include "steadyfeed/core/event.hpp"

namespace sf {

std::string_view to_string(event_kind k) noexcept {
  switch (k) {
    case event_kind::connected: return "connected";
    case event_kind::disconnected: return "disconnected";
    case event_kind::reconnect_attempt: return "reconnect_attempt";
    case event_kind::reconnect_success: return "reconnect_success";
    case event_kind::reconnect_failed: return "reconnect_failed";
    case event_kind::heartbeat_timeout: return "heartbeat_timeout";
    case event_kind::rotation_started: return "rotation_started";
    case event_kind::rotation_completed: return "rotation_completed";
    case event_kind::gap_detected: return "gap_detected";
    case event_kind::gap_filled: return "gap_filled";
    case event_kind::resync: return "resync";
    case event_kind::error: return "error";
    case event_kind::quality_degraded: return "quality_degraded";
    case event_kind::quality_improved: return "quality_improved";
    case event_kind::state_changed: return "state_changed";
    case event_kind::subscribed: return "subscribed";
    case event_kind::subscription_failed: return "subscription_failed";
    case event_kind::stream_stale: return "stream_stale";
    case event_kind::stream_resumed: return "stream_resumed";
    case event_kind::retries_exhausted: return "retries_exhausted";
  }
  return "unknown";
}

std::string_view to_string(severity s) noexcept {
  switch (s) {
    case severity::info: return "info";
    case severity::notice: return "notice";
    case severity::warning: return "warning";
    case severity::critical: return "critical";
  }
  return "unknown";
}

void event_journal::push(event e) {
  ++total_;
  if (ring_.size() < capacity_) {
    ring_.push_back(std::move(e));
    return;
  }
  ring_[head_] = std::move(e);
  head_ = (head_ + 1) % capacity_;
}

std::vector<event> event_journal::entries() const {
  std::vector<event> out;
  out.reserve(ring_.size());
  for (std::size_t i = 0; i < ring_.size(); ++i) out.push_back(ring_[(head_ + i) % ring_.size()]);
  return out;
}

}  // namespace sf
