#include "steadyfeed/feed/supervisor.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "feed/supervisor_access.hpp"

namespace sf {

// ---------------------------------------------------------------------------
// Transitions and timers

void supervisor_access::emit(event_kind kind, severity level, std::string reason, wall_us wall,
                             link_id link, duration latency, int attempt) {
  event e{wall, kind, level, std::move(reason), latency, attempt, link};
  if (s.callbacks_.on_event) s.callbacks_.on_event(e);
  s.journal_.push(std::move(e));
}

void supervisor_access::transition(connection_state to, std::string_view reason, time_point now,
                                   wall_us wall) {
  const connection_state from = s.state_;
  if (!transition_allowed(from, to))
    throw std::logic_error(fmt::format("supervisor {}: transition {} -> {} is not allowed",
                                       s.config_.name, to_string(from), to_string(to)));
  s.state_ = to;
  s.healthy_.store(is_live(to), std::memory_order_release);
  if (is_live(to) && !is_live(from)) {
    m.quality.set_live(true, now);
    m.connected_since_wall = wall;
    m.last_connected_wall = wall;
    m.consecutive_failures = 0;
  } else if (!is_live(to) && is_live(from)) {
    m.quality.set_live(false, now);
    m.connected_since_wall = 0;
  }
  const severity level = to == connection_state::failed         ? severity::critical
                         : to == connection_state::reconnecting ? severity::warning
                         : to == connection_state::unstable     ? severity::warning
                                                                : severity::info;
  emit(event_kind::state_changed, level,
       fmt::format("{} -> {}: {}", to_string(from), to_string(to), reason), wall,
       m.primary ? m.primary->id : 0);
  if (s.callbacks_.on_state_change) s.callbacks_.on_state_change(from, to, reason);
  s.publish(now);
}

time_point supervisor_access::next_deadline(time_point now) {
  if (s.state_ == connection_state::disconnected) return never;
  // Failed: only the next probe, when the retries ran out and probing is on.
  if (s.state_ == connection_state::failed) return m.reconnect_at;
  time_point next = std::min(
      {m.reconnect_at, m.rotation_retry_at, m.turnover.overlap_deadline(), m.next_housekeeping});
  for (link_state* l : {m.primary ? &*m.primary : nullptr, m.candidate ? &*m.candidate : nullptr}) {
    if (!l) continue;
    if (l->phase == link_phase::opening) {
      next = std::min(next, l->open_deadline);
      continue;
    }
    next = std::min(next, l->beat.next_deadline());
    if (!m.is_candidate(*l)) {
      next = std::min(next, l->rotation_due);
      if (s.config_.idle_timeout.count() > 0 && expects_data(*l))
        next = std::min(next, l->last_data + s.config_.idle_timeout);
    }
    next = std::min(next, l->control.next_send(now));
  }
  return next;
}

void supervisor_access::rearm(time_point now) {
  const time_point next = next_deadline(now);
  if (next != s.armed_) {
    s.armed_ = next;
    s.actions_.emplace_back(arm_timer{next});
  }
}

// ---------------------------------------------------------------------------
// Public interface

supervisor::supervisor(supervisor_config config, std::shared_ptr<venue_protocol> protocol,
                       std::vector<std::string> topics, time_point now, wall_us wall_now,
                       std::shared_ptr<connect_limiter> limiter)
    : config_(std::move(config)),
      protocol_(std::move(protocol)),
      journal_(config_.journal_capacity) {
  if (!protocol_) throw std::invalid_argument("supervisor: a venue protocol is required");
  if (auto problems = config_.validate(); !problems.empty()) {
    std::string all;
    for (const auto& p : problems) all += (all.empty() ? "" : "; ") + p;
    throw std::invalid_argument(fmt::format("supervisor {}: {}", config_.name, all));
  }
  impl_ = std::make_unique<impl>(config_, now);
  impl_->limiter = std::move(limiter);
  const auto& hb = protocol_->heartbeat();
  impl_->beat.ws_ping_interval = config_.ws_ping_interval.value_or(hb.ws_ping_interval);
  impl_->beat.app_ping_interval = hb.app_ping_payload.empty()
                                      ? duration{0}
                                      : config_.app_ping_interval.value_or(hb.app_ping_interval);
  impl_->beat.pong_timeout = config_.pong_timeout.value_or(hb.pong_timeout);
  impl_->beat.app_ping_when_idle = hb.app_ping_when_idle;
  const std::size_t limit = protocol_->limits().topics_per_connection;
  if (limit > 0 && topics.size() > limit)
    throw std::invalid_argument(fmt::format(
        "supervisor {}: {} topics exceed the venue's limit of {} per connection; shard them",
        config_.name, topics.size(), limit));
  registry_.add(topics);
  published_.name = config_.name;
  published_.venue = std::string(protocol_->name());
  (void)wall_now;
  publish(now);
}

supervisor::~supervisor() = default;

void supervisor::start(time_point now, wall_us wall) {
  if (state_ != connection_state::disconnected && state_ != connection_state::failed) return;
  supervisor_access a{*this, *impl_};
  impl_->reconnect_backoff.reset();
  impl_->probing = false;
  impl_->reconnect_at = never;
  impl_->next_housekeeping = now + config_.housekeeping_interval;
  a.transition(connection_state::connecting, "start", now, wall);
  if (!a.open_link_now(false, now)) {
    // Waiting for the venue's connection budget: the attempt happens on the timer.
  }
  a.rearm(now);
}

void supervisor::stop(time_point now, wall_us wall, std::string_view reason) {
  if (state_ == connection_state::disconnected) return;
  supervisor_access a{*this, *impl_};
  if (impl_->primary) a.close(*impl_->primary, 1000, reason);
  if (impl_->candidate) a.close(*impl_->candidate, 1000, reason);
  impl_->primary.reset();
  impl_->candidate.reset();
  a.end_rotation();
  impl_->reconnect_at = never;
  impl_->reconnect_slot_reserved = false;
  impl_->next_housekeeping = never;
  a.emit(event_kind::disconnected, severity::info, std::string(reason), wall);
  a.transition(connection_state::disconnected, reason, now, wall);
  a.rearm(now);
}

void supervisor::on_open(link_id link, time_point now, wall_us wall) {
  link_state* l = impl_->find(link);
  if (!l || l->phase != link_phase::opening) return;
  supervisor_access a{*this, *impl_};
  if (impl_->is_candidate(*l))
    a.candidate_opened(now, wall);
  else
    a.primary_opened(now, wall);
  a.rearm(now);
}

void supervisor::on_open_failed(link_id link, const failure& why, time_point now, wall_us wall) {
  link_state* l = impl_->find(link);
  if (!l || l->phase != link_phase::opening) return;
  supervisor_access a{*this, *impl_};
  if (impl_->is_candidate(*l))
    a.candidate_failed(why, now, wall);
  else
    a.primary_attempt_failed(why, now, wall);
  a.rearm(now);
}

void supervisor::on_closed(link_id link, const failure& why, time_point now, wall_us wall) {
  link_state* l = impl_->find(link);
  if (!l) return;
  if (l->phase == link_phase::opening) return on_open_failed(link, why, now, wall);
  supervisor_access a{*this, *impl_};
  if (impl_->is_candidate(*l))
    a.candidate_failed(why, now, wall);
  else
    a.primary_lost(why, now, wall);
  a.rearm(now);
}

void supervisor::on_frame(link_id link, std::string_view frame, time_point now, wall_us wall,
                          frame_room room) {
  link_state* l = impl_->find(link);
  if (!l || !l->is_open()) return;
  ++counters_.frames;
  l->last_rx = now;
  const inbound in =
      room == frame_room::padded ? protocol_->decode_padded(frame) : protocol_->decode(frame);
  supervisor_access a{*this, *impl_};
  if (in.kind == inbound_kind::data) {
    l->last_data = now;
    impl_->quality.record_message(now);
    if (impl_->is_candidate(*l))
      a.candidate_data(in, frame, now, wall);
    else
      a.primary_data(*l, in, frame, now, wall);
    if (!actions_.empty()) a.rearm(now);  // a switch-over happened
    return;
  }
  switch (in.kind) {
    case inbound_kind::pong:
      a.pong_received(l->beat.on_app_pong(now), now);
      break;
    case inbound_kind::ping:
      l->control.reply_first(std::string(in.reply));
      a.flush(*l, now);
      break;
    case inbound_kind::ack:
      a.on_ack(*l, in, now, wall);
      break;
    case inbound_kind::nack:
      a.on_nack(*l, in, now, wall);
      break;
    case inbound_kind::notice: {
      const std::string why =
          fmt::format("venue notice: {}", in.reason.empty() ? "maintenance" : in.reason);
      a.emit(event_kind::error, severity::notice, why, wall, link);
      if (!impl_->is_candidate(*l)) a.begin_rotation(why, now, wall);
      break;
    }
    case inbound_kind::invalid: {
      ++counters_.invalid_frames;
      impl_->quality.record_error(now);
      ++impl_->invalid_since_event;
      // One event per ten seconds at most: a venue that floods garbage must not
      // wash the journal out.
      if (impl_->last_invalid_event == never || now - impl_->last_invalid_event >= seconds{10}) {
        a.emit(event_kind::error, severity::notice,
               fmt::format("{} invalid frame(s); last: {}{}", impl_->invalid_since_event,
                           make_error_code(in.error).message(),
                           in.reason.empty() ? std::string() : ": " + std::string(in.reason)),
               wall, link);
        impl_->last_invalid_event = now;
        impl_->invalid_since_event = 0;
      }
      break;
    }
    case inbound_kind::data:
    case inbound_kind::ignore:
      break;
  }
  a.rearm(now);
}

void supervisor::on_ping(link_id link, time_point now) {
  if (link_state* l = impl_->find(link); l && l->is_open()) l->last_rx = now;
}

void supervisor::on_pong(link_id link, std::string_view payload, time_point now, wall_us) {
  link_state* l = impl_->find(link);
  if (!l || !l->is_open()) return;
  l->last_rx = now;
  const auto rtt = l->beat.on_ws_pong(payload, now);
  if (!rtt) return;  // unsolicited, or a stale one
  supervisor_access a{*this, *impl_};
  a.pong_received(rtt, now);
  a.rearm(now);
}

void supervisor::on_timer(time_point now, wall_us wall) {
  supervisor_access a{*this, *impl_};
  auto& m = *impl_;
  armed_ = never;  // the driver's timer has fired
  if (state_ == connection_state::disconnected) return a.rearm(now);

  // Connection attempts that took too long.
  if (m.primary && m.primary->phase == link_phase::opening && m.primary->open_deadline <= now) {
    a.close(*m.primary, 1000, "connect timeout");
    a.primary_attempt_failed(
        failure{make_error_code(errc::connect_timeout),
                0,
                {},
                0,
                fmt::format("no connection within {}", describe(config_.connect_timeout))},
        now, wall);
  }
  if (m.candidate && m.candidate->phase == link_phase::opening &&
      m.candidate->open_deadline <= now) {
    a.close(*m.candidate, 1000, "connect timeout");
    a.candidate_failed(failure{make_error_code(errc::connect_timeout), 0, {}, 0, "rotation"}, now,
                       wall);
  }
  if (state_ == connection_state::failed) {
    // Probing after the retries ran out: one attempt, without resetting the
    // backoff, so that a failure returns here at once (go_failed).
    if (m.reconnect_at <= now) {
      m.reconnect_at = never;
      m.probing = true;
      m.next_housekeeping = now + config_.housekeeping_interval;  // go_failed stopped it
      a.transition(connection_state::connecting, "probing: the retries ran out earlier", now, wall);
      if (a.open_link_now(false, now)) {
        ++counters_.reconnect_attempts;
        a.emit(event_kind::reconnect_attempt, severity::notice, "probe", wall, m.primary->id, duration{0},
               m.reconnect_backoff.attempts());
      }
    }
    return a.rearm(now);
  }

  // Attempts that were waiting for backoff or the venue's connection budget.
  if (m.reconnect_at <= now && !m.primary) {
    m.reconnect_at = never;
    if (a.open_link_now(false, now)) {
      ++counters_.reconnect_attempts;
      a.emit(event_kind::reconnect_attempt, severity::notice,
             fmt::format("attempt {}", m.reconnect_backoff.attempts()), wall, m.primary->id,
             duration{0}, m.reconnect_backoff.attempts());
    }
  }
  if (m.rotation_retry_at <= now && m.turnover.active() && !m.candidate) {
    m.rotation_retry_at = never;
    a.open_link_now(true, now);
  }

  // Heartbeats on every open link, then the primary's watchdogs.
  bool dropped = false;
  if (m.candidate && m.candidate->is_open()) a.heartbeats(*m.candidate, now, wall, dropped);
  dropped = false;
  if (m.primary && m.primary->is_open()) a.heartbeats(*m.primary, now, wall, dropped);
  if (!dropped) a.watchdogs(now, wall);

  if (m.turnover.active() && m.candidate && m.candidate->is_open() &&
      m.turnover.overlap_deadline() <= now)
    a.switch_over(now, wall,
                  fmt::format("overlap wait of {} ended", describe(config_.overlap_timeout)));

  if (m.next_housekeeping <= now && state_ != connection_state::failed) a.housekeeping(now, wall);
  a.flush_all(now);
  a.rearm(now);
}

std::vector<std::string> supervisor::subscribe(std::span<const std::string> topics, time_point now,
                                               wall_us wall) {
  supervisor_access a{*this, *impl_};
  std::vector<std::string> wanted, refused;
  const std::size_t limit = protocol_->limits().topics_per_connection;
  std::size_t room = limit > 0 ? (limit > registry_.size() ? limit - registry_.size() : 0)
                               : static_cast<std::size_t>(-1);
  for (const auto& t : topics) {
    if (registry_.contains(t) || std::find(wanted.begin(), wanted.end(), t) != wanted.end())
      continue;
    if (wanted.size() < room)
      wanted.push_back(t);
    else
      refused.push_back(t);
  }
  const auto added = registry_.add(wanted);
  for (link_state* l : {impl_->primary ? &*impl_->primary : nullptr,
                        impl_->candidate ? &*impl_->candidate : nullptr}) {
    if (l && l->is_open()) a.queue_subscribe(*l, added, true);
  }
  if (!refused.empty())
    a.emit(event_kind::subscription_failed, severity::warning,
           fmt::format("{} refused: the venue allows {} topics per connection",
                       join_topics(refused), limit),
           wall);
  a.flush_all(now);
  a.rearm(now);
  return refused;
}

void supervisor::unsubscribe(std::span<const std::string> topics, time_point now, wall_us) {
  supervisor_access a{*this, *impl_};
  const auto removed = registry_.remove(topics);
  for (const auto& t : topics) impl_->forget_stream(t);
  for (link_state* l : {impl_->primary ? &*impl_->primary : nullptr,
                        impl_->candidate ? &*impl_->candidate : nullptr}) {
    if (!l) continue;
    std::vector<std::string> on_link;
    for (const auto& t : removed)
      if (l->subscribed.erase(t)) on_link.push_back(t);
    l->control.forget(removed);
    std::erase_if(l->url_topics, [&](const std::string& t) { return !registry_.contains(t); });
    if (l->is_open()) a.queue_subscribe(*l, on_link, false);
  }
  a.flush_all(now);
  a.rearm(now);
}

void supervisor::request_rotation(time_point now, wall_us wall, std::string_view reason) {
  supervisor_access a{*this, *impl_};
  a.begin_rotation(reason, now, wall);
  a.rearm(now);
}

void supervisor::request_reconnect(time_point now, wall_us wall, std::string_view reason) {
  supervisor_access a{*this, *impl_};
  if (state_ == connection_state::disconnected || state_ == connection_state::failed) {
    start(now, wall);
    return;
  }
  if (impl_->primary && impl_->primary->is_open()) {
    a.close(*impl_->primary, 1000, reason);
    const link_id id = impl_->primary->id;
    impl_->primary.reset();
    if (impl_->candidate) a.close(*impl_->candidate, 1000, reason);
    impl_->candidate.reset();
    a.end_rotation();
    impl_->lost_at = now;
    ++counters_.disconnects;
    a.emit(event_kind::disconnected, severity::notice, std::string(reason), wall, id);
    impl_->reconnect_at = now;
    a.transition(connection_state::reconnecting, reason, now, wall);
    on_timer(now, wall);  // opens the new link at once
    return;
  }
  // Already between attempts: try now.
  if (!impl_->primary) {
    impl_->reconnect_at = now;
    on_timer(now, wall);
  }
}

std::vector<action> supervisor::take_actions() {
  std::vector<action> out;
  out.swap(actions_);
  return out;
}

quality_report supervisor::quality(time_point now) {
  return impl_->quality.report(now);
}

link_id supervisor::primary_link() const noexcept {
  return impl_->primary ? impl_->primary->id : 0;
}
link_id supervisor::candidate_link() const noexcept {
  return impl_->candidate ? impl_->candidate->id : 0;
}
std::size_t supervisor::open_links() const noexcept {
  return (impl_->primary ? 1 : 0) + (impl_->candidate ? 1 : 0);
}
bool supervisor::rotating() const noexcept {
  return impl_->turnover.active();
}

void supervisor::publish(time_point now) {
  supervisor_stats st;
  st.name = config_.name;
  st.venue = std::string(protocol_->name());
  st.state = state_;
  st.primary = primary_link();
  st.rotating = impl_ && impl_->turnover.active();
  if (impl_) {
    st.connected_since = impl_->connected_since_wall;
    st.last_connected = impl_->last_connected_wall;
    st.consecutive_failures = impl_->consecutive_failures;
    st.last_reconnect = impl_->last_reconnect_wall;
    st.last_reconnect_latency = impl_->last_reconnect_latency;
    st.quality = impl_->quality.report(now);
    for (const auto& [name, s] : impl_->streams)
      if (s.stale) st.stale_streams.push_back(name);
    std::sort(st.stale_streams.begin(), st.stale_streams.end());
  }
  st.counters = counters_;
  st.topics = registry_.entries();
  st.url = protocol_->url(registry_.restorable());
  std::lock_guard lock(published_mutex_);
  if (journal_.total() == published_events_at_) {
    st.events = std::move(published_.events);
  } else {
    st.events = journal_.entries();
    published_events_at_ = journal_.total();
  }
  published_ = std::move(st);
}

supervisor_stats supervisor::snapshot() const {
  std::lock_guard lock(published_mutex_);
  return published_;
}

}  // namespace sf
