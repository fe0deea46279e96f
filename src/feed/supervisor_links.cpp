// The supervisor's links: opening one (within the venue's connection budget),
// and what follows when one fails or is lost: backoff, clustering, failed.

#include "feed/supervisor_access.hpp"

#include <fmt/format.h>

namespace sf {

namespace {

// The longest prefix of `topics` whose URL fits in `limit` bytes (0: all).
std::size_t topics_in_url(const venue_protocol& p, std::span<const std::string> topics, std::size_t limit) {
  if (limit == 0 || p.url(topics).size() <= limit) return topics.size();
  std::size_t fits = 0, fails = topics.size();  // url(first fits) fits; url(first fails) does not
  while (fails - fits > 1) {
    const std::size_t mid = fits + (fails - fits) / 2;
    (p.url(topics.first(mid)).size() <= limit ? fits : fails) = mid;
  }
  return fits;
}

}  // namespace

void supervisor_access::configure_link(link_state& l, time_point now) {
  const auto& lim = s.protocol_->limits();
  control_channel channel;
  if (lim.control_messages_per_second > 0) {
    const double rate = lim.control_messages_per_second * s.config_.control_rate_safety;
    // By default no burst: with one token of capacity any one-second window
    // holds at most rate + 1 frames, which the safety fraction keeps under a
    // per-second limit. Venues with hourly budgets (OKX) declare a burst.
    channel =
        control_channel(token_bucket(rate, seconds{1}, std::max(1.0, lim.control_burst), now));
  }
  l.open(now, m.beat, std::move(channel),
         rotation::due_at(now, s.config_.lifetime.value_or(lim.lifetime), s.config_.rotation_margin,
                          s.config_.rotation_phase));
}

// Opens a link for `as_candidate` now, or books a slot under the venue's
// connection limit and returns false when it must wait.
bool supervisor_access::open_link_now(bool as_candidate, time_point now) {
  bool& reserved = as_candidate ? m.rotation_slot_reserved : m.reconnect_slot_reserved;
  if (m.limiter && !reserved) {
    const time_point at = m.limiter->reserve(now);
    if (at > now) {
      reserved = true;
      (as_candidate ? m.rotation_retry_at : m.reconnect_at) = at;
      return false;
    }
  }
  reserved = false;
  link_state l;
  l.id = m.next_link++;
  l.open_deadline = now + s.config_.connect_timeout;
  // In url mode the URL carries what fits; restore_subscriptions sends the
  // rest once the link is open.
  if (s.protocol_->mode() == subscribe_mode::url) {
    l.url_topics = s.registry_.restorable();
    l.url_topics.resize(topics_in_url(*s.protocol_, l.url_topics, s.protocol_->limits().url_bytes));
  }
  s.actions_.push_back(open_link{l.id, s.protocol_->url(l.url_topics)});
  (as_candidate ? m.candidate : m.primary) = std::move(l);
  return true;
}

void supervisor_access::close(link_state& l, int code, std::string_view reason) {
  s.actions_.push_back(close_link{l.id, code, std::string(reason)});
}

void supervisor_access::primary_opened(time_point now, wall_us wall) {
  link_state& l = *m.primary;
  configure_link(l, now);
  s.registry_.reset_pending();
  for (const auto& t : l.url_topics) s.registry_.set_status(t, topic_status::active);
  restore_subscriptions(l);
  m.healthy_since = now;
  // A stream's silence is measured from the moment it could have spoken again.
  for (auto& [name, st] : m.streams) st.stale = false;
  ++s.counters_.connects;
  if (s.state_ == connection_state::connecting && !m.probing) {
    emit(event_kind::connected, severity::info, "connected", wall, l.id);
    transition(connection_state::connected, "connected", now, wall);
  } else {
    const duration latency = now - m.lost_at;
    ++s.counters_.reconnect_successes;
    m.last_reconnect_wall = wall;
    m.last_reconnect_latency = latency;
    emit(event_kind::reconnect_success, severity::info,
         fmt::format("reconnected after {}", describe(latency)), wall, l.id, latency,
         m.reconnect_backoff.attempts());
    if (m.probing) {  // the venue is back: the next outage gets its retries again
      m.probing = false;
      m.reconnect_backoff.reset();
    }
    // From a probe (connecting), only connected is a step the state machine
    // allows; the quality check judges it unstable later if it is.
    const bool unstable = clustered(now) && s.state_ != connection_state::connecting;
    transition(unstable ? connection_state::unstable : connection_state::connected,
               unstable ? "reconnected, but reconnects are clustering" : "reconnected", now, wall);
  }
  flush(l, now);
}

void supervisor_access::candidate_opened(time_point now, wall_us wall) {
  link_state& l = *m.candidate;
  configure_link(l, now);
  restore_subscriptions(l);
  m.turnover.candidate_opened(now);
  m.rotation_backoff.reset();
  emit(event_kind::connected, severity::info, "rotation: new connection open", wall, l.id);
  flush(l, now);
  maybe_switch(now, wall);
}

bool supervisor_access::clustered(time_point now) {
  while (!m.reconnect_times.empty() &&
         now - m.reconnect_times.front() > s.config_.reconnect_cluster_window)
    m.reconnect_times.pop_front();
  return static_cast<int>(m.reconnect_times.size()) >= s.config_.reconnect_cluster;
}

duration supervisor_access::retry_delay(backoff& b, const failure& why) {
  duration delay = b.next_delay(m.random);
  if (why.code == error_condition_kind::rate_limited)
    delay = std::max(delay, why.retry_after.count() > 0 ? why.retry_after : b.policy().max);
  return delay;
}

void supervisor_access::go_failed(const failure& why, time_point now, wall_us wall) {
  if (m.primary) close(*m.primary, 1000, "failed");
  if (m.candidate) close(*m.candidate, 1000, "failed");
  m.primary.reset();
  m.candidate.reset();
  end_rotation();
  m.reconnect_at = never;
  m.next_housekeeping = never;
  const bool exhausted = why.code == make_error_code(errc::max_attempts_exceeded);
  // A venue that is down for longer than the retries last comes back by
  // itself: one attempt per backoff.max until it does. A fatal error (auth,
  // an unknown symbol) is never retried.
  if (exhausted && s.config_.on_retries_exhausted == retries_exhausted_action::probe)
    m.reconnect_at = now + s.config_.backoff.max;
  // Giving up is said once per outage, not once per probe; a fatal error
  // always.
  if (!m.probing || !exhausted)
    emit(exhausted ? event_kind::retries_exhausted : event_kind::error, severity::critical,
         exhausted && m.reconnect_at != never
             ? fmt::format("{}; probing every {}", why.to_string(), describe(s.config_.backoff.max))
             : why.to_string(),
         wall);
  transition(connection_state::failed, why.to_string(), now, wall);
}

// The primary's connection attempt failed (before it opened).
void supervisor_access::primary_attempt_failed(const failure& why, time_point now, wall_us wall) {
  const link_id id = m.primary ? m.primary->id : 0;
  m.primary.reset();
  ++s.counters_.reconnect_failures;
  ++m.consecutive_failures;
  m.quality.record_error(now);
  emit(event_kind::reconnect_failed, severity::warning, why.to_string(), wall, id, duration{0},
       m.reconnect_backoff.attempts());
  if (!is_retryable(why.code)) return go_failed(why, now, wall);
  if (m.reconnect_backoff.exhausted()) {
    failure f{
        make_error_code(errc::max_attempts_exceeded),
        0,
        {},
        0,
        fmt::format("{} attempts; last: {}", m.reconnect_backoff.attempts(), why.to_string())};
    return go_failed(f, now, wall);
  }
  m.reconnect_at = now + retry_delay(m.reconnect_backoff, why);
  if (s.state_ == connection_state::connecting) {
    m.lost_at = now;
    transition(connection_state::reconnecting, why.to_string(), now, wall);
  }
}

// The live primary is gone.
void supervisor_access::primary_lost(const failure& why, time_point now, wall_us wall) {
  const link_id id = m.primary->id;
  m.primary.reset();
  ++s.counters_.disconnects;
  m.quality.record_error(now);
  emit(event_kind::disconnected, severity::warning, why.to_string(), wall, id);
  if (m.turnover.active() && m.candidate && m.candidate->is_open()) {
    switch_over(now, wall, "the old connection was lost first");
    return;
  }
  m.lost_at = now;
  m.reconnect_times.push_back(now);
  m.quality.record_reconnect(now);
  if (!is_retryable(why.code)) return go_failed(why, now, wall);
  if (m.turnover.active() && m.candidate) {
    // The rotation's connection attempt becomes the reconnect attempt.
    m.primary = std::move(m.candidate);
    m.candidate.reset();
    end_rotation();
  } else {
    end_rotation();
    m.reconnect_at = now + retry_delay(m.reconnect_backoff, why);
  }
  transition(connection_state::reconnecting, why.to_string(), now, wall);
}

void supervisor_access::drop_primary(errc code, std::string detail, time_point now, wall_us wall) {
  close(*m.primary, code == errc::service_restart ? 1001 : 4000, detail);
  primary_lost(failure{make_error_code(code), 0, {}, 0, std::move(detail)}, now, wall);
}

void supervisor_access::candidate_failed(const failure& why, time_point now, wall_us wall) {
  const link_id id = m.candidate->id;
  m.candidate.reset();
  m.turnover.candidate_failed(m.streams);
  emit(event_kind::error, severity::warning, "rotation: new connection failed: " + why.to_string(),
       wall, id);
  m.rotation_retry_at = now + retry_delay(m.rotation_backoff, why);
}

}  // namespace sf
