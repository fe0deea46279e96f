// The supervisor's control frames: subscriptions restored on a new link,
// paced within the venue's budget, and their acknowledgements.

#include "feed/supervisor_access.hpp"

#include <fmt/format.h>

namespace sf {

void supervisor_access::queue_subscribe(link_state& l, std::span<const std::string> topics,
                                        bool subscribe) {
  l.control.queue(topics, subscribe, *s.protocol_, m.next_request);
}

void supervisor_access::flush(link_state& l, time_point now) {
  s.counters_.control_frames_sent += l.control.flush(now, [&](std::string payload) {
    s.actions_.push_back(send_frame{l.id, frame_kind::text, std::move(payload)});
  });
}

void supervisor_access::flush_all(time_point now) {
  if (m.primary && m.primary->is_open()) flush(*m.primary, now);
  if (m.candidate && m.candidate->is_open()) flush(*m.candidate, now);
}

// Sends a heartbeat if the control budget allows; otherwise it goes out at
// the next token.
bool supervisor_access::take_heartbeat_token(link_state& l, time_point now) {
  return l.control.take_heartbeat_token(now, s.protocol_->limits().pings_count_as_control);
}

void supervisor_access::restore_subscriptions(link_state& l) {
  std::vector<std::string> missing;
  for (const auto& t : s.registry_.restorable())
    if (!l.subscribed.contains(t)) missing.push_back(t);
  queue_subscribe(l, missing, true);
}

void supervisor_access::on_ack(link_state& l, const inbound& in, time_point now, wall_us wall) {
  const std::vector<std::string> acked =
      l.control.answer(in.has_request_id, in.request_id, in.topic);
  if (acked.empty()) return;
  for (const auto& t : acked) {
    if (!s.registry_.contains(t)) continue;  // unsubscribed meanwhile
    l.subscribed.insert(t);
    if (!m.is_candidate(l)) s.registry_.set_status(t, topic_status::active);
  }
  if (!acked.empty() && !m.is_candidate(l))
    emit(event_kind::subscribed, severity::info, fmt::format("subscribed {}", join_topics(acked)),
         wall, l.id);
  if (m.is_candidate(l)) maybe_switch(now, wall);
}

void supervisor_access::on_nack(link_state& l, const inbound& in, time_point now, wall_us wall) {
  std::vector<std::string> refused = l.control.answer(in.has_request_id, in.request_id, in.topic);
  if (refused.empty() && !in.topic.empty() && s.registry_.contains(in.topic))
    refused.emplace_back(in.topic);
  const std::string why = fmt::format("{}{}{}", make_error_code(in.error).message(),
                                      in.reason.empty() ? "" : ": ", in.reason);
  m.quality.record_error(now);
  if (refused.empty()) {
    emit(event_kind::error, severity::warning, "venue error: " + why, wall, l.id);
    return;
  }
  for (const auto& t : refused) {
    l.subscribed.erase(t);
    s.registry_.set_status(t, topic_status::failed, why);
    m.forget_stream(t);
  }
  emit(event_kind::subscription_failed, severity::warning,
       fmt::format("{} refused: {}", join_topics(refused), why), wall, l.id);
  if (m.is_candidate(l)) maybe_switch(now, wall);
}

void supervisor_access::check_acks(time_point now, wall_us wall) {
  for (link_state* l : {m.primary ? &*m.primary : nullptr, m.candidate ? &*m.candidate : nullptr}) {
    if (!l || !l->is_open()) continue;
    for (auto& req : l->control.take_expired(now, s.config_.ack_timeout)) {
      if (req.retries < s.config_.ack_retries) {
        emit(event_kind::error, severity::notice,
             fmt::format("no ack for {}; sending again", join_topics(req.topics)), wall, l->id);
        l->control.resend(req, *s.protocol_, m.next_request);
      } else {
        const std::string why =
            fmt::format("no acknowledgement after {} attempts", req.retries + 1);
        for (const auto& t : req.topics) s.registry_.set_status(t, topic_status::failed, why);
        emit(event_kind::subscription_failed, severity::warning,
             fmt::format("{}: {}", join_topics(req.topics), why), wall, l->id);
      }
    }
  }
}

}  // namespace sf
