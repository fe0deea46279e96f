#include "steadyfeed/feed/stale_watch.hpp"

#include <algorithm>

namespace sf {

bool stale_watch::on_message(stream_activity& a, time_point now) const noexcept {
  if (a.count > 0) {
    const double gap = static_cast<double>((now - a.last_msg).count());
    a.mean_gap_ns = a.count == 1 ? gap : a.mean_gap_ns * 0.9 + gap * 0.1;
  }
  ++a.count;
  a.last_msg = now;
  const bool resumed = a.stale;
  a.stale = false;
  return resumed;
}

duration stale_watch::threshold(std::string_view name, const stream_activity& a) const {
  if (auto it = config_.stale_overrides.find(name); it != config_.stale_overrides.end()) return it->second;
  const auto adaptive = duration{static_cast<duration::rep>(a.mean_gap_ns * config_.stale_factor)};
  return std::clamp(adaptive, config_.stale_min, config_.stale_max);
}

}  // namespace sf
