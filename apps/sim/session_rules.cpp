#include "sim/session_rules.hpp"

#include <algorithm>

namespace sf::sim {

namespace {

token_bucket make_bucket(const session_limits& l, time_point now) {
  if (l.inbound_per_second <= 0) return token_bucket::unlimited();
  const double per_window =
      l.inbound_per_second * std::chrono::duration<double>(l.inbound_window).count();
  return token_bucket(per_window, l.inbound_window, l.inbound_burst > 0 ? l.inbound_burst : per_window, now);
}

time_point after(time_point t, duration d) { return d.count() > 0 ? t + d : never; }

}  // namespace

session_rules::session_rules(const session_limits& limits, time_point now)
    : limits_(limits), opened_(now), last_pong_(now), last_push_(now),
      next_ping_(after(now, limits.ping_interval)), inbound_(make_bucket(limits, now)) {}

bool session_rules::on_inbound(time_point now) { return inbound_.try_take(now); }

session_rules::verdict session_rules::on_timer(time_point now) {
  verdict v;
  if (now >= after(opened_, limits_.lifetime)) {
    v.close = close_cause::lifetime;
  } else if (now >= after(last_pong_, limits_.pong_timeout)) {
    v.close = close_cause::pong_timeout;
  } else if (now >= after(last_push_, limits_.idle_timeout)) {
    v.close = close_cause::idle;
  } else if (now >= next_ping_) {
    v.send_ping = true;
    while (next_ping_ <= now) next_ping_ += limits_.ping_interval;
  }
  return v;
}

time_point session_rules::next_deadline() const noexcept {
  return std::min({after(opened_, limits_.lifetime), after(last_pong_, limits_.pong_timeout),
                   after(last_push_, limits_.idle_timeout), next_ping_});
}

}  // namespace sf::sim
