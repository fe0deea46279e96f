// The supervisor's data path: each message delivered once, in order per
// stream, whichever link brought it, and a rotation's switch-over.

#include "feed/supervisor_access.hpp"

#include "core/same_text.hpp"

#include <fmt/format.h>

namespace sf {

void supervisor_access::begin_rotation(std::string_view reason, time_point now, wall_us wall) {
  if (m.turnover.active() || !m.primary || !m.primary->is_open()) return;
  m.turnover.begin(reason, now);
  m.rotation_backoff.reset();
  emit(event_kind::rotation_started, severity::info, std::string(reason), wall, m.primary->id);
  open_link_now(true, now);
}

void supervisor_access::end_rotation() {
  m.turnover.end(m.streams);
  m.rotation_retry_at = never;
  m.rotation_slot_reserved = false;
}

bool supervisor_access::candidate_subscribed() const {
  for (const auto& t : s.registry_.restorable())
    if (!m.candidate->subscribed.contains(t)) return false;
  return true;
}

void supervisor_access::maybe_switch(time_point now, wall_us wall) {
  if (!m.turnover.active() || !m.candidate || !m.candidate->is_open()) return;
  if (!candidate_subscribed()) return;
  if (!m.turnover.without_overlap(m.streams, now).empty()) return;
  switch_over(now, wall, "overlap confirmed");
}

void supervisor_access::deliver(link_id link, std::string_view stream, std::uint64_t seq,
                                bool has_seq, bool resets, std::string_view frame, wall_us received,
                                const record_batch* records, time_point now) {
  ++s.counters_.messages;
  s.counters_.bytes += frame.size();
  if (s.callbacks_.on_message)
    s.callbacks_.on_message(
        message{link, stream, seq, has_seq, resets, frame, received, records, now});
}

void supervisor_access::switch_over(time_point now, wall_us wall, std::string_view why) {
  link_state& next = *m.candidate;
  const auto not_shown = m.turnover.without_overlap(m.streams, now);
  // Messages the new link delivered while we waited, minus what the old one
  // already delivered.
  for (const auto& h : m.turnover.take_held()) {
    stream_state& st = m.streams[h.stream];
    bool fresh;
    if (h.has_seq) {
      fresh = st.advance(h.seq);
    } else {
      fresh = !m.primary_identities.delivered(h.identity);
    }
    if (!fresh) {
      ++s.counters_.duplicates_dropped;
      continue;
    }
    st.last_msg = now;
    // Held frames are parsed again: records do not outlive their decode.
    const inbound again = s.protocol_->decode(h.frame);
    deliver(next.id, h.stream, h.seq, h.has_seq, h.resets_sequence, h.frame, h.received,
            again.records, now);
  }
  if (m.primary) close(*m.primary, 1000, "rotated");
  m.primary = std::move(m.candidate);
  m.candidate.reset();
  for (const auto& t : m.primary->subscribed) s.registry_.set_status(t, topic_status::active);
  const duration took = now - m.turnover.started();
  std::string reason = fmt::format("{} ({}): {}", m.turnover.reason(), describe(took), why);
  end_rotation();
  ++s.counters_.rotations;
  if (!not_shown.empty())
    reason += fmt::format("; overlap not shown for {}", join_topics(not_shown));
  emit(event_kind::rotation_completed, not_shown.empty() ? severity::info : severity::warning,
       std::move(reason), wall, m.primary->id, took);
  flush(*m.primary, now);
}

stream_state* supervisor_access::stream(std::string_view name) {
  if (m.last_stream && same_text(name, m.last_stream_name)) return m.last_stream;
  auto it = m.streams.find(name);
  if (it == m.streams.end()) {
    if (m.streams.size() >= s.registry_.size() + extra_streams_allowed) return nullptr;
    it = m.streams.emplace(std::string(name), stream_state{}).first;
  }
  m.last_stream_name = it->first;
  m.last_stream = &it->second;
  return m.last_stream;
}

void supervisor_access::note_arrival(stream_state& st, std::string_view name, time_point now,
                                     wall_us wall) {
  if (m.stale.on_message(st, now)) {
    emit(event_kind::stream_resumed, severity::info, fmt::format("{} resumed", name), wall,
         m.primary ? m.primary->id : 0);
  }
}

void supervisor_access::primary_data(link_state& l, const inbound& in, std::string_view frame,
                                     time_point now, wall_us wall) {
  stream_state* st = stream(in.stream);
  if (st) {
    note_arrival(*st, in.stream, now, wall);
    if (in.has_seq && !st->advance(in.seq, in.resets_sequence)) {
      ++s.counters_.duplicates_dropped;
      return;
    }
    if (!in.has_seq) {
      const std::uint64_t id = stream_dedup::identity(in.stream, frame);
      if (!m.primary_identities.deliver(id, now)) {
        ++s.counters_.duplicates_dropped;
        return;
      }
      m.turnover.primary_delivered_identity(*st, id);
    } else {
      m.turnover.primary_delivered(*st, st->watermark);
    }
  }
  deliver(l.id, in.stream, in.seq, in.has_seq, in.resets_sequence, frame, wall, in.records, now);
  if (m.turnover.active() && st && st->overlapped) maybe_switch(now, wall);
}

void supervisor_access::candidate_data(const inbound& in, std::string_view frame, time_point now,
                                       wall_us wall) {
  stream_state* st = stream(in.stream);
  if (!st) return;
  switch (m.turnover.candidate_message(*st, *st, m.primary_identities, in, frame, wall)) {
    case rotation::outcome::overlap_shown:
      maybe_switch(now, wall);
      break;
    case rotation::outcome::hold_full:
      switch_over(now, wall, "hold buffer full");
      break;
    case rotation::outcome::delivered_already:
    case rotation::outcome::held:
      break;
  }
}

}  // namespace sf
